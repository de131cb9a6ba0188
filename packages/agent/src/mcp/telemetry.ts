import type { McpTelemetryEvent } from "@agent-evals/types";

/** Arguments larger than this (as JSON) are left out of `mcp:tool:start`; their size stays. */
export const MAX_TELEMETRY_ARGUMENTS_CHARS = 4_000;

/** The arguments of a tool call as telemetry carries them: small ones whole, large ones by size only. */
export function telemetryArguments(
	args: Record<string, unknown>,
): Pick<McpTelemetryEvent, "arguments" | "argumentsSize"> {
	const size = jsonSize(args);
	return size <= MAX_TELEMETRY_ARGUMENTS_CHARS ? { arguments: args, argumentsSize: size } : { argumentsSize: size };
}

/** Size of a server answer as JSON text, the unit `responseSize` is in. */
export function responseSize(result: unknown): number {
	return jsonSize(result);
}

// Characters JSON.stringify writes as an escape: `\"`, `\\`, `\n`… (2 characters) or `\u00XX` (6).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is counted
const ESCAPED = /["\\\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT_ESCAPES = new Set(['"', "\\", "\b", "\f", "\n", "\r", "\t"]);

/**
 * The length of `JSON.stringify(value)` without building the string: telemetry measures every
 * request and answer, and stringifying a 100 kB answer only to count it doubled the cost of
 * the call. Values JSON cannot hold count as JSON.stringify treats them (skipped or null).
 */
export function jsonSize(value: unknown): number {
	switch (typeof value) {
		case "string": {
			let size = value.length + 2;
			for (const match of value.matchAll(ESCAPED)) size += SHORT_ESCAPES.has(match[0]) ? 1 : 5;
			return size;
		}
		case "number":
			return Number.isFinite(value) ? String(value).length : 4;
		case "boolean":
			return value ? 4 : 5;
		case "bigint":
			throw new TypeError("Do not know how to serialize a BigInt");
		case "object": {
			if (value === null) return 4;
			const json = (value as { toJSON?: unknown }).toJSON;
			if (typeof json === "function") return jsonSize(json.call(value));
			if (Array.isArray(value)) {
				let size = 2 + Math.max(0, value.length - 1);
				for (const item of value)
					size += item === undefined || typeof item === "function" || typeof item === "symbol" ? 4 : jsonSize(item);
				return size;
			}
			let size = 2;
			let members = 0;
			for (const [key, item] of Object.entries(value)) {
				if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
				size += jsonSize(key) + 1 + jsonSize(item);
				members++;
			}
			return size + Math.max(0, members - 1);
		}
		default:
			return 0;
	}
}
