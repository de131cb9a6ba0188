import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
	log(level: LogLevel, message: string): void;
}

/** Discards everything (tests, and callers that have nowhere to write). */
export const nullLogger: Logger = { log() {} };

// Anything that looks like a key is masked before it reaches a file: settings and errors from
// providers can echo keys back, and a log is easy to share by accident.
const SECRET_PATTERNS = [
	/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
	/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
	/("?(?:[A-Za-z]*api[-_]?key|[A-Za-z]*secret[A-Za-z]*|[A-Za-z]*token)"?\s*[:=]\s*)"[^"]*"/gi,
];

export function redactSecrets(text: string): string {
	let out = text;
	for (const pattern of SECRET_PATTERNS) {
		out = out.replace(pattern, (match, prefix: string) =>
			prefix && /[:=]/.test(prefix) ? `${prefix}"[redacted]"` : `${match.slice(0, 3)}[redacted]`,
		);
	}
	return out;
}

/**
 * Appends timestamped lines to a file. Synchronous on purpose: the agent may be killed at any
 * moment, and the last lines before a kill are the ones worth having.
 */
export function createFileLogger(path: string, minLevel: LogLevel = "info"): Logger {
	mkdirSync(dirname(path), { recursive: true });
	const order: LogLevel[] = ["debug", "info", "warn", "error"];
	const threshold = order.indexOf(minLevel);
	return {
		log(level, message) {
			if (order.indexOf(level) < threshold) return;
			appendFileSync(path, `${new Date().toISOString()} ${level.toUpperCase()} ${redactSecrets(message)}\n`);
		},
	};
}
