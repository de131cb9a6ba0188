import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The suite shipped in this repository (`exercises/` at the root), from src/ or dist/. */
export function bundledSuitePath(): string {
	return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "exercises");
}

/** Where runs keep their embedded database and work folders: `EVALS_HOME`, else ./.evals. */
export function evalsHome(env: NodeJS.ProcessEnv = process.env): string {
	return resolve(env.EVALS_HOME || ".evals");
}

/** Used when a suite has no prompts/<language>.md. */
export const FALLBACK_PROMPT =
	"The exercise is in the current workspace. Read docs/instructions.md (or .docs/instructions.md), implement the solution files so that every test passes without changing the tests, run the tests, and finish when they pass.";

export const MAX_INFRA_ATTEMPTS = 3;
export const HEARTBEAT_MS = 5_000;
export const HEARTBEAT_TTL_S = 10;
/** A run whose heartbeat is older than this has no live controller. */
export const STALE_HEARTBEAT_MS = 15_000;
