import { lstat, unlink } from "node:fs/promises";
import { createConnection } from "node:net";

const WINDOWS_PIPE_PREFIX = "\\\\.\\pipe\\";

/**
 * The path to listen on / connect to for this platform. On Windows a plain path becomes a named
 * pipe the way node-ipc names it (leading slash dropped, slashes as dashes), so both ends agree.
 */
export function toPlatformSocketPath(socketPath: string, platform: NodeJS.Platform = process.platform): string {
	if (platform !== "win32" || socketPath.startsWith(WINDOWS_PIPE_PREFIX)) return socketPath;
	return WINDOWS_PIPE_PREFIX + socketPath.replace(/^\//, "").replace(/\//g, "-");
}

export function isNamedPipe(socketPath: string): boolean {
	return socketPath.startsWith(WINDOWS_PIPE_PREFIX);
}

export class SocketInUseError extends Error {
	constructor(readonly socketPath: string) {
		super(`another process is already serving on ${socketPath}`);
		this.name = "SocketInUseError";
	}
}

/**
 * Removes a socket file left behind by a process that died without cleaning up. A socket that
 * still answers belongs to a live server and is left alone; a path that is not a socket is never
 * deleted (it is somebody's file, and the path is probably a mistake).
 */
export async function removeStaleSocket(socketPath: string): Promise<void> {
	if (isNamedPipe(socketPath)) return;
	let stats: Awaited<ReturnType<typeof lstat>>;
	try {
		stats = await lstat(socketPath);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
		throw error;
	}
	if (!stats.isSocket()) {
		throw new Error(`refusing to replace ${socketPath}: it exists and is not a socket`);
	}
	if (await isAnswering(socketPath)) throw new SocketInUseError(socketPath);
	await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
		if (error.code !== "ENOENT") throw error;
	});
}

function isAnswering(socketPath: string): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = createConnection(socketPath);
		probe.once("connect", () => {
			probe.destroy();
			resolve(true);
		});
		probe.once("error", () => resolve(false));
	});
}
