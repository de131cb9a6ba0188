import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/*
 * The agents cache: one folder per third-party agent, outside any checkout, so that installs
 * survive clones, CI runs and `git clean`, and every agent (a CLI from npm today, Roo Code's
 * extension later) is installed, listed and versioned the same way.
 *
 *   $EVALS_AGENTS_DIR (default $XDG_CACHE_HOME/agent-evals/agents, else ~/.cache/agent-evals/agents)
 *     <name>/agent.json     the manifest, written last: its presence means the install is whole
 *     <name>/…              the install itself (for npm: package.json, node_modules/)
 *     .runtime/<name>/      caches the agent fills while it runs, shared by its tasks
 */

export const MANIFEST_FILE = "agent.json";

/** How an agent was installed. `kind` says how to install and find it; npm is the only kind yet. */
export interface AgentManifest {
	name: string;
	kind: "npm";
	package: string;
	version: string;
	/** The executable, relative to the agent's folder. */
	bin: string;
	installedAt: string;
}

export interface InstalledAgent extends AgentManifest {
	dir: string;
	/** Absolute path of the executable. */
	binPath: string;
}

export function agentsDir(env: NodeJS.ProcessEnv = process.env): string {
	if (env.EVALS_AGENTS_DIR?.trim()) return resolve(env.EVALS_AGENTS_DIR.trim());
	const cacheHome = env.XDG_CACHE_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".cache");
	return join(cacheHome, "agent-evals", "agents");
}

export function agentDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
	return join(agentsDir(env), name);
}

/** Where an agent keeps what it downloads or builds while it runs (plugins, model lists). */
export function agentRuntimeDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
	return join(agentsDir(env), ".runtime", name);
}

/** The agent as installed, or undefined when it is not (or its install is incomplete). */
export async function readInstalled(
	name: string,
	env: NodeJS.ProcessEnv = process.env,
): Promise<InstalledAgent | undefined> {
	const dir = agentDir(name, env);
	let manifest: AgentManifest;
	try {
		manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), "utf8")) as AgentManifest;
	} catch {
		return undefined;
	}
	const binPath = join(dir, manifest.bin);
	if (!existsSync(binPath)) return undefined;
	return { ...manifest, dir, binPath };
}
