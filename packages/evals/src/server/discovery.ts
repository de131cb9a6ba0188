import { readFileSync, rmSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * `$EVALS_HOME/serve.json` while `evals serve` runs: how `evals run` finds the server that holds
 * the embedded database. Never holds the token.
 */
export const serveInfoSchema = z.object({
	pid: z.number().int(),
	/** A URL this host can reach the server at (a wildcard bind is reached over 127.0.0.1). */
	url: z.string(),
	host: z.string(),
	port: z.number().int(),
	hostname: z.string(),
	store: z.enum(["pglite", "postgres"]),
	tokenRequired: z.boolean(),
	startedAt: z.string(),
});
export type ServeInfo = z.infer<typeof serveInfoSchema>;

export const discoveryPath = (home: string) => path.join(home, "serve.json");

export async function writeDiscovery(home: string, info: ServeInfo): Promise<void> {
	const file = discoveryPath(home);
	const draft = `${file}.${process.pid}.tmp`;
	// With PostgreSQL nothing else creates the home folder.
	await mkdir(home, { recursive: true });
	await writeFile(draft, `${JSON.stringify(info, null, 2)}\n`);
	await rename(draft, file);
}

export async function readDiscovery(home: string): Promise<ServeInfo | undefined> {
	try {
		const parsed = serveInfoSchema.safeParse(JSON.parse(await readFile(discoveryPath(home), "utf8")));
		return parsed.success ? parsed.data : undefined;
	} catch {
		return undefined;
	}
}

/** Removes the file if it is still this process's (a newer server may have replaced it). */
export async function removeDiscovery(home: string, pid = process.pid): Promise<void> {
	if ((await readDiscovery(home))?.pid === pid) await rm(discoveryPath(home), { force: true });
}

/** For `process.on("exit")`, where nothing asynchronous runs any more. */
export function removeDiscoverySync(home: string, pid = process.pid): void {
	try {
		const info = serveInfoSchema.safeParse(JSON.parse(readFileSync(discoveryPath(home), "utf8")));
		if (info.success && info.data.pid === pid) rmSync(discoveryPath(home), { force: true });
	} catch {
		// nothing to remove
	}
}

/** The server it names runs on this host and its process is alive. */
export function isLiveHere(info: ServeInfo): boolean {
	if (info.hostname !== hostname()) return false;
	try {
		process.kill(info.pid, 0);
		return true;
	} catch (error) {
		return typeof error === "object" && error !== null && "code" in error && error.code === "EPERM";
	}
}
