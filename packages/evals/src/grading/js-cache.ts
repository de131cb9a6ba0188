import { randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import {
	appendFile,
	chmod,
	lstat,
	mkdir,
	readdir,
	readFile,
	realpath,
	rm,
	stat,
	symlink,
	unlink,
	writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { processAlive } from "@agent-evals/agent/process-tree";
import type { ExecResult } from "../sandbox/sandbox.js";
import { runOnHost } from "./host.js";
import { GradingStop } from "./session.js";
import { SharedWork } from "./shared-work.js";
import { firstDifference, type ListingMethod, listTree, type TreeListing } from "./tree-listing.js";

const ENTRY_MARKER = ".agent-evals-entry.json";
/** One JSON line per finished install, published or discarded: what the cache cost, and when. */
export const INSTALL_LOG = "installs.log";
const OWNER_FILE = ".agent-evals-owner.json";
/** What node_modules looked like when the entry was published, to notice later writes. */
const LISTING_FILE = ".agent-evals-files.json";
const POLL_MS = 250;
// A lock older than the install's own limit plus this is left over from something that hung.
const LOCK_GRACE_MS = 60_000;

export interface InstallRequest {
	key: string;
	/** Written into the entry before the install: package.json, lockfile, .npmrc … */
	files: Record<string, string>;
	/** The install command, run in the entry folder on the host. */
	command: string;
	env: Record<string, string>;
	timeoutMs: number;
	/** "pnpm 9.15.2", for messages. */
	manager: string;
}

export interface PreparedDependencies {
	/** The entry folder; its node_modules is what gradings link to. */
	dir: string;
	/** Set for the one caller whose call ran the install. */
	install?: { command: string; cwd: string; result: ExecResult };
}

/** The exercise's own dependencies could not be installed: not the agent's fault, verdict infra. */
export class DependencyInstallError extends GradingStop {
	constructor(
		message: string,
		readonly install?: { command: string; cwd: string; result: ExecResult },
	) {
		super("infra", message);
		this.name = "DependencyInstallError";
	}
}

const NETWORK_FAILURE = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|getaddrinfo/i;
const inFlight = new SharedWork<PreparedDependencies>();

/**
 * Installed dependency sets, one folder per cache key under `<root>/`:
 *
 *   <key>.<pid>-<random>/   an install: package.json, lockfile, node_modules, read-only once done
 *   <key> -> <key>.<…>      the published entry: a symlink, created only after the install succeeded
 *   <key>.lock              who is installing it now (pid, host)
 *   installs.log            a line per install that finished
 *
 * An install runs in the folder it stays in, because package managers write absolute paths
 * (pnpm's .bin scripts). Publishing is `symlink()`, which fails when the name exists, so of two
 * installs of one key (two processes, a lock broken after its owner died) exactly one becomes the
 * entry and the other folder is deleted; nothing ever reads an unfinished install. The lock is
 * only there to save the second install: a waiter polls until the entry appears or the owner dies.
 */
export class DependencyCache {
	constructor(readonly root: string) {}

	async prepare(request: InstallRequest, signal?: AbortSignal): Promise<PreparedDependencies> {
		const published = await this.published(request.key);
		if (published !== undefined) return { dir: published };
		const { value, started } = await inFlight.run(
			`${this.root}\0${request.key}`,
			(jobSignal) => this.obtain(request, jobSignal),
			signal,
		);
		return started ? value : { dir: value.dir };
	}

	/** The published entry of a key, or undefined. */
	async published(key: string): Promise<string | undefined> {
		const link = path.join(this.root, key);
		const dir = await realpath(link).catch(() => undefined);
		if (dir !== undefined && (await stat(path.join(dir, ENTRY_MARKER)).catch(() => undefined))) return dir;
		// A link whose folder someone deleted by hand: forget it, install again.
		if ((await lstat(link).catch(() => undefined))?.isSymbolicLink()) await unlink(link).catch(() => {});
		return undefined;
	}

	private async obtain(request: InstallRequest, signal: AbortSignal): Promise<PreparedDependencies> {
		await mkdir(this.root, { recursive: true });
		const lockFile = path.join(this.root, `${request.key}.lock`);
		const deadline = Date.now() + request.timeoutMs + LOCK_GRACE_MS;
		for (;;) {
			const published = await this.published(request.key);
			if (published !== undefined) return { dir: published };
			const lock = await takeLock(lockFile);
			if (lock !== undefined) {
				try {
					const again = await this.published(request.key);
					if (again !== undefined) return { dir: again };
					await this.removeOrphans(request.key);
					return await this.install(request, signal);
				} finally {
					await releaseLock(lockFile, lock);
				}
			}
			if (await lockIsStale(lockFile, request.timeoutMs + LOCK_GRACE_MS)) {
				await unlink(lockFile).catch(() => {});
				continue;
			}
			if (Date.now() > deadline) {
				throw new DependencyInstallError(
					`another process has been installing the exercise's dependencies (${request.manager}) for too long; see ${lockFile}`,
				);
			}
			await sleep(POLL_MS, signal);
		}
	}

	private async install(request: InstallRequest, signal: AbortSignal): Promise<PreparedDependencies> {
		const dir = path.join(this.root, `${request.key}.${process.pid}-${randomBytes(4).toString("hex")}`);
		await mkdir(dir);
		try {
			await writeFile(path.join(dir, OWNER_FILE), JSON.stringify(owner()));
			for (const [name, content] of Object.entries(request.files)) await writeFile(path.join(dir, name), content);
			const startedAt = Date.now();
			const result = await runOnHost(request.command, {
				cwd: dir,
				timeoutMs: request.timeoutMs,
				env: request.env,
				signal,
			});
			const install = { command: request.command, cwd: dir, result };
			if (result.cancelled) throw new GradingStop("infra", "grading cancelled");
			if (result.timedOut) {
				throw new DependencyInstallError(
					`installing the exercise's dependencies with ${request.manager} timed out after ${Math.round(request.timeoutMs / 1000)} s`,
					install,
				);
			}
			if (result.exitCode !== 0) {
				const why = NETWORK_FAILURE.test(result.output) ? "could not reach the registry" : "failed";
				throw new DependencyInstallError(
					`installing the exercise's dependencies with ${request.manager} ${why} (exit code ${result.exitCode})`,
					install,
				);
			}
			if (!(await stat(path.join(dir, "node_modules")).catch(() => undefined))?.isDirectory()) {
				throw new DependencyInstallError(`${request.manager} install left no node_modules folder`, install);
			}
			const marker = { key: request.key, manager: request.manager, installMs: Date.now() - startedAt };
			// node_modules first and only once: chmod changes a file's ctime, which the listing records.
			await makeReadOnly(path.join(dir, "node_modules"));
			const listing = await listTree(path.join(dir, "node_modules"));
			const saved = { method: listing.method, entries: Object.fromEntries(listing.entries) };
			await writeFile(path.join(dir, LISTING_FILE), JSON.stringify(saved));
			await writeFile(path.join(dir, ENTRY_MARKER), `${JSON.stringify(marker)}\n`);
			await makeReadOnly(dir, "node_modules");
			try {
				await symlink(path.basename(dir), path.join(this.root, request.key));
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
				// Another install of the same key was published first; it is as good as ours.
				await removeTree(dir);
				await this.log({ ...marker, pid: process.pid, outcome: "discarded" });
				const winner = await this.published(request.key);
				if (winner === undefined) throw error;
				return { dir: winner };
			}
			await this.log({ ...marker, pid: process.pid, outcome: "published" });
			return { dir, install };
		} catch (error) {
			await removeTree(dir);
			throw error;
		}
	}

	/**
	 * The first path under the entry's node_modules that differs from when it was published (a
	 * file written, added, removed or chmodded), or undefined. Read-only permissions do not stop
	 * root, nor a process that chmods them back, so gradings check after their tests ran.
	 */
	async changedPath(dir: string): Promise<string | undefined> {
		let expected = listings.get(dir);
		if (expected === undefined) {
			const saved = JSON.parse(await readFile(path.join(dir, LISTING_FILE), "utf8")) as {
				method: ListingMethod;
				entries: Record<string, string>;
			};
			expected = { method: saved.method, entries: new Map(Object.entries(saved.entries)) };
			listings.set(dir, expected);
		}
		const actual = await listTree(path.join(dir, "node_modules"), expected.method);
		const changed = firstDifference(expected.entries, actual.entries);
		return changed === undefined ? undefined : `node_modules/${changed}`;
	}

	/**
	 * Stops handing out an entry that was changed: the next grading of its key installs afresh.
	 * The folder stays until this process is gone, for the gradings still using it.
	 */
	async discard(key: string, dir: string): Promise<void> {
		const link = path.join(this.root, key);
		if ((await realpath(link).catch(() => undefined)) === dir) await unlink(link).catch(() => {});
		await this.log({ key, pid: process.pid, outcome: "discarded after a change", dir });
	}

	private async log(line: Record<string, unknown>): Promise<void> {
		// One short appended line per write: lines from concurrent processes do not interleave.
		await appendFile(
			path.join(this.root, INSTALL_LOG),
			`${JSON.stringify({ at: new Date().toISOString(), ...line })}\n`,
		);
	}

	/** Install folders of `key` left by processes that died mid-install (called under the lock). */
	private async removeOrphans(key: string): Promise<void> {
		for (const name of await readdir(this.root)) {
			if (!name.startsWith(`${key}.`) || name === `${key}.lock`) continue;
			const dir = path.join(this.root, name);
			const who = await readJson(path.join(dir, OWNER_FILE));
			if (who !== undefined && !(await ownerIsGone(who))) continue;
			await removeTree(dir);
		}
	}
}

/**
 * Gives a workspace the entry's dependencies: `node_modules` becomes a folder of symlinks, one per
 * top-level entry of the cached node_modules. Node resolves a package through its real path, so
 * everything is found in the read-only entry, while tools that create `node_modules/.cache` or
 * `node_modules/.vite` write into the workspace's own folder. A node_modules already in the
 * workspace (the agent ran an install) is replaced: the cached one is the exercise's pristine set.
 * Returns whether one was replaced.
 */
export async function linkNodeModules(entryDir: string, workspace: string): Promise<boolean> {
	const target = path.join(workspace, "node_modules");
	const replaced = (await lstat(target).catch(() => undefined)) !== undefined;
	if (replaced) await removeTree(target);
	await mkdir(target);
	const source = path.join(entryDir, "node_modules");
	for (const name of await readdir(source)) await symlink(path.join(source, name), path.join(target, name));
	return replaced;
}

/**
 * Takes write permission from every file and folder under `dir` (symlinks have none of their
 * own). An accidental write into the cache, by a test or a tool, fails instead of changing what
 * later gradings get. It does not stop a process that chmods it back: the local sandbox confines
 * nothing; a confining sandbox mounts the cache read-only.
 */
export async function makeReadOnly(dir: string, skip?: string): Promise<void> {
	const entries = await readdir(dir, { withFileTypes: true });
	await Promise.all(
		entries.map(async (entry) => {
			const child = path.join(dir, entry.name);
			if (entry.name === skip) return;
			if (entry.isDirectory()) await makeReadOnly(child);
			else if (entry.isFile()) await chmod(child, (await stat(child)).mode & 0o7555);
		}),
	);
	await chmod(dir, (await stat(dir)).mode & 0o7555);
}

/** Deletes a folder that may hold read-only folders (a cache entry, or the whole cache). */
export async function removeTree(dir: string): Promise<void> {
	const info = await lstat(dir).catch(() => undefined);
	if (info === undefined) return;
	if (info.isDirectory()) await makeWritable(dir);
	await rm(dir, { recursive: true, force: true });
}

async function makeWritable(dir: string): Promise<void> {
	await chmod(dir, 0o700 | (await stat(dir)).mode);
	let entries: Dirent[];
	try {
		entries = await readdir(dir, { withFileTypes: true });
	} catch {
		return;
	}
	await Promise.all(
		entries.filter((entry) => entry.isDirectory()).map((entry) => makeWritable(path.join(dir, entry.name))),
	);
}

const listings = new Map<string, TreeListing>();

interface Owner {
	pid: number;
	host: string;
	since: number;
}

function owner(): Owner {
	return { pid: process.pid, host: os.hostname(), since: Date.now() };
}

async function ownerIsGone(who: Owner): Promise<boolean> {
	return who.host === os.hostname() && !(await processAlive(who.pid));
}

async function takeLock(file: string): Promise<string | undefined> {
	const content = JSON.stringify(owner());
	try {
		await writeFile(file, content, { flag: "wx" });
		return content;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
		throw error;
	}
}

/** Removes the lock if it is still ours (a waiter may have judged it stale and taken it over). */
async function releaseLock(file: string, content: string): Promise<void> {
	if ((await readFile(file, "utf8").catch(() => undefined)) === content) await unlink(file).catch(() => {});
}

async function lockIsStale(file: string, maxAgeMs: number): Promise<boolean> {
	const info = await stat(file).catch(() => undefined);
	if (info === undefined) return false;
	const who = await readJson(file);
	// Written in one call right after its creation; unreadable for long means its writer died.
	if (who === undefined) return Date.now() - info.mtimeMs > 10_000;
	return (await ownerIsGone(who)) || Date.now() - who.since > maxAgeMs;
}

async function readJson(file: string): Promise<Owner | undefined> {
	try {
		const value = JSON.parse(await readFile(file, "utf8")) as Partial<Owner>;
		if (typeof value.pid !== "number" || typeof value.host !== "string" || typeof value.since !== "number") {
			return undefined;
		}
		return value as Owner;
	} catch {
		return undefined;
	}
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(new GradingStop("infra", "grading cancelled"));
		const timer = setTimeout(() => {
			signal.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new GradingStop("infra", "grading cancelled"));
		};
		signal.addEventListener("abort", onAbort, { once: true });
	});
}
