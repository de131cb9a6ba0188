import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import {
	type McpConfigSource,
	type McpServerConfig,
	mcpConfigFileSchema,
	parseMcpServerConfig,
	type Settings,
} from "@agent-evals/types";
import { agentEvalsHome } from "../config/settings.js";
import { type SubstitutionContext, substituteVariables } from "./substitute.js";

/** Environment variable that moves the global MCP config file. */
export const MCP_CONFIG_ENV = "AGENT_EVALS_MCP_CONFIG";

/**
 * The global file: `settings.mcpConfigPath`, else `$AGENT_EVALS_MCP_CONFIG`, else
 * `<AGENT_EVALS_HOME or ~/.agent-evals>/mcp.json`.
 */
export function globalMcpConfigPath(env: NodeJS.ProcessEnv, settings: Pick<Settings, "mcpConfigPath"> = {}): string {
	return resolve(settings.mcpConfigPath || env[MCP_CONFIG_ENV] || join(agentEvalsHome(env), "mcp.json"));
}

/** The project file, `<workspace>/.roo/mcp.json`, where Roo Code keeps it. */
export function projectMcpConfigPath(workspace: string): string {
	return join(workspace, ".roo", "mcp.json");
}

export type McpConfigFileResult =
	| { ok: true; servers: Record<string, unknown>; exists: boolean }
	| { ok: false; error: string };

/** Reads one config file. A missing file is an empty one; unreadable or malformed files are errors. */
export function readMcpConfigFile(path: string): McpConfigFileResult {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, servers: {}, exists: false };
		return { ok: false, error: `Cannot read MCP configuration file ${path}: ${(error as Error).message}` };
	}
	if (text.trim() === "") return { ok: true, servers: {}, exists: true };
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		return { ok: false, error: `MCP configuration file ${path} is not valid JSON: ${(error as Error).message}` };
	}
	const parsed = mcpConfigFileSchema.safeParse(json);
	if (!parsed.success) {
		const details = parsed.error.issues
			.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
			.join("; ");
		return { ok: false, error: `Invalid MCP configuration file ${path}: ${details}` };
	}
	return { ok: true, servers: parsed.data.mcpServers ?? {}, exists: true };
}

export interface McpConfigLayer {
	source: McpConfigSource;
	servers: Record<string, unknown>;
}

interface EntryBase {
	name: string;
	source: McpConfigSource;
	/** Unset variables and other things worth knowing that do not stop the server. */
	warnings: string[];
}
export interface ValidMcpServerEntry extends EntryBase {
	ok: true;
	config: McpServerConfig;
	/** Equal fingerprints mean an unchanged server: a reload leaves it connected. */
	fingerprint: string;
}
export interface InvalidMcpServerEntry extends EntryBase {
	ok: false;
	error: string;
}
export type McpServerEntry = ValidMcpServerEntry | InvalidMcpServerEntry;

/**
 * Merges the layers (later ones win by server name, whole entries, not field by field), substitutes
 * variables and validates each server on its own.
 */
export function resolveMcpServers(layers: McpConfigLayer[], context: SubstitutionContext): Map<string, McpServerEntry> {
	const winners = new Map<string, { source: McpConfigSource; raw: unknown }>();
	for (const layer of layers) {
		for (const [name, raw] of Object.entries(layer.servers)) winners.set(name, { source: layer.source, raw });
	}
	const entries = new Map<string, McpServerEntry>();
	for (const [name, { source, raw }] of winners) {
		const missing = new Set<string>();
		const substituted = substituteVariables(raw, context, missing);
		const warnings = [...missing].map(
			(variable) => `environment variable ${variable} is not set; it was replaced by ""`,
		);
		const parsed = parseMcpServerConfig(name, substituted);
		if (!parsed.ok) {
			entries.set(name, { name, source, ok: false, error: parsed.error, warnings });
			continue;
		}
		const config = withResolvedPaths(parsed.config, context.workspace);
		entries.set(name, { name, source, ok: true, config, fingerprint: fingerprint(config), warnings });
	}
	return entries;
}

/** Relative paths mean the same thing whatever the agent's own working directory. */
function withResolvedPaths(config: McpServerConfig, workspace: string): McpServerConfig {
	if (config.type !== "stdio") return config;
	const cwd = config.cwd === undefined ? workspace : resolve(workspace, config.cwd);
	const watchPaths = config.watchPaths.map((path) => (isAbsolute(path) ? path : resolve(cwd, path)));
	return { ...config, cwd, watchPaths };
}

/** JSON with sorted keys, so key order in the file does not count as a change. */
export function fingerprint(value: unknown): string {
	return JSON.stringify(value, (_key, item: unknown) =>
		item !== null && typeof item === "object" && !Array.isArray(item)
			? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: item,
	);
}
