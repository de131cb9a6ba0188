import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type AgentManifest, agentDir, agentsDir, type InstalledAgent, MANIFEST_FILE, readInstalled } from "./cache.js";

/** What to install: an npm package at an exact version, and its executable. */
export interface NpmAgentSource {
	name: string;
	package: string;
	version: string;
	bin: string;
}

export interface InstallResult {
	agent: InstalledAgent;
	/** False when the pinned version was already there (nothing was downloaded). */
	installed: boolean;
	ms: number;
}

export class AgentInstallError extends Error {
	override readonly name = "AgentInstallError";
}

/**
 * Installs `source` into the agents cache with npm, unless that exact version is already there
 * (then it returns at once). `rebuild` installs again whatever is there. The install happens in
 * a temporary folder beside the final one and is renamed into place with its manifest, so a
 * failed or interrupted install never leaves a half-installed agent, and two installs at the
 * same time leave one whole install.
 */
export async function installNpmAgent(
	source: NpmAgentSource,
	options: { env?: NodeJS.ProcessEnv; rebuild?: boolean; log?: (line: string) => void } = {},
): Promise<InstallResult> {
	const env = options.env ?? process.env;
	const started = Date.now();
	const current = await readInstalled(source.name, env);
	if (current && !options.rebuild && current.package === source.package && current.version === source.version) {
		return { agent: current, installed: false, ms: Date.now() - started };
	}
	const root = agentsDir(env);
	await mkdir(root, { recursive: true });
	const temp = join(root, `.${source.name}.installing-${process.pid}-${randomBytes(3).toString("hex")}`);
	try {
		await mkdir(temp, { recursive: true });
		await writeFile(
			join(temp, "package.json"),
			`${JSON.stringify({ private: true, description: `${source.name}, installed by agent-evals`, dependencies: { [source.package]: source.version } }, null, 2)}\n`,
		);
		await npm(["install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"], temp, env, options.log);
		const manifest: AgentManifest = {
			name: source.name,
			kind: "npm",
			package: source.package,
			version: source.version,
			bin: join("node_modules", ".bin", source.bin),
			installedAt: new Date().toISOString(),
		};
		await writeFile(join(temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
		await putInPlace(temp, agentDir(source.name, env));
	} finally {
		await rm(temp, { recursive: true, force: true });
	}
	const agent = await readInstalled(source.name, env);
	if (!agent)
		throw new AgentInstallError(
			`${source.package}@${source.version} installed, but its "${source.bin}" executable is missing`,
		);
	return { agent, installed: true, ms: Date.now() - started };
}

/** Swaps the new install in; the old one (if any) is moved aside first and removed after. */
async function putInPlace(temp: string, target: string): Promise<void> {
	const old = `${target}.old-${process.pid}-${randomBytes(3).toString("hex")}`;
	let moved = false;
	try {
		await rename(target, old);
		moved = true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
	}
	try {
		await rename(temp, target);
	} catch (error) {
		// Another install put its copy there first: keep that one.
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
	}
	if (moved) await rm(old, { recursive: true, force: true });
}

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv, log?: (line: string) => void): Promise<void> {
	const command = process.platform === "win32" ? "npm.cmd" : "npm";
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
		let output = "";
		const collect = (chunk: Buffer) => {
			const text = chunk.toString("utf8");
			output = (output + text).slice(-8_000);
			for (const line of text.split("\n")) if (line.trim()) log?.(line);
		};
		child.stdout.on("data", collect);
		child.stderr.on("data", collect);
		child.once("error", (error) => reject(new AgentInstallError(`cannot run npm: ${error.message}`)));
		child.once("close", (code) => {
			if (code === 0) resolve();
			else {
				const last = output.trim().split("\n").slice(-5).join("\n");
				reject(new AgentInstallError(`npm ${args[0]} failed (exit ${code}):\n${last}`));
			}
		});
	});
}
