import { statfs } from "node:fs/promises";

const POLL_MS = 250;

/** Free bytes (for unprivileged users) on the file system holding `dir`; undefined when it cannot be asked. */
export async function freeBytes(dir: string): Promise<number | undefined> {
	try {
		const info = await statfs(dir);
		return info.bavail * info.bsize;
	} catch {
		return undefined;
	}
}

/**
 * Calls `onLow` once when the file system of `dir` falls below `minFreeBytes` free. RLIMIT_FSIZE
 * bounds one file, not a thousand of them, and the workspace lives on the host's disk: a command
 * writing without end is stopped here, before the disk the machine needs is full. statfs is one
 * cheap system call, so polling costs nothing worth measuring. Returns the function that stops watching.
 */
export function watchDiskSpace(dir: string, minFreeBytes: number, onLow: (free: number) => void): () => void {
	if (minFreeBytes <= 0) return () => {};
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	const check = async () => {
		const free = await freeBytes(dir);
		if (stopped) return;
		if (free !== undefined && free < minFreeBytes) {
			stopped = true;
			onLow(free);
			return;
		}
		timer = setTimeout(check, POLL_MS);
	};
	void check();
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}

export function formatBytes(bytes: number): string {
	const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return unit === 0 ? `${value} bytes` : `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}
