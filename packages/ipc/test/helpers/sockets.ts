import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IpcLogger, IpcLogLevel } from "@agent-evals/ipc";

/** A fresh socket path in its own temporary directory (parallel test files never collide). */
export function socketPath(name = "ipc.sock"): string {
	return join(mkdtempSync(join(tmpdir(), "agent-evals-ipc-")), name);
}

/** A logger that keeps lines for assertions instead of printing them. */
export function captureLog(): IpcLogger & { lines: { level: IpcLogLevel; message: string }[] } {
	const lines: { level: IpcLogLevel; message: string }[] = [];
	const log = ((level: IpcLogLevel, message: string) => {
		lines.push({ level, message });
	}) as IpcLogger & { lines: typeof lines };
	log.lines = lines;
	return log;
}

/** Resolves with the args of the next `event` from `emitter`, or rejects after `ms`. */
export function nextEvent<T extends unknown[]>(
	emitter: { once(event: string, listener: (...args: T) => void): unknown },
	event: string,
	ms = 5_000,
): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
		emitter.once(event, (...args: T) => {
			clearTimeout(timer);
			resolve(args);
		});
	});
}

export async function waitFor(condition: () => boolean, ms = 5_000, what = "condition"): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
