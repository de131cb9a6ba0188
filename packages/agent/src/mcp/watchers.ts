import { existsSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { type FSWatcher, watch } from "chokidar";

export interface FileWatch {
	/** Resolves once the initial watches are in place: changes from then on are noticed. */
	ready: Promise<void>;
	close(): Promise<void>;
}

/**
 * Calls `onChange` once per burst of changes to `paths` (files, or folders watched recursively),
 * `debounceMs` after the last event: editors save in several steps (truncate, write, rename)
 * and a half-written file must not be acted on.
 *
 * A path may not exist yet, nor its folder (`<workspace>/.roo` usually does not): chokidar only
 * notices a missing file whose folder exists, so the nearest existing ancestor is watched, one
 * level deep, and each folder of the chain that appears moves the watch one step closer.
 */
export function watchFiles(
	paths: readonly string[],
	onChange: (changed: string[]) => void,
	options: { debounceMs: number; onError?: (error: unknown) => void },
): FileWatch {
	const targets = [...new Set(paths.map((path) => resolve(path)))];
	const watchers = new Map<string, FSWatcher>();
	const pending = new Set<string>();
	let timer: NodeJS.Timeout | undefined;
	let closed = false;
	// Closing before chokidar is ready must not leave `ready` pending forever.
	const readyWaiters = new Set<() => void>();

	const schedule = (path: string) => {
		pending.add(path);
		if (timer) clearTimeout(timer);
		timer = setTimeout(() => {
			timer = undefined;
			const changed = [...pending];
			pending.clear();
			if (!closed) onChange(changed);
		}, options.debounceMs);
		timer.unref();
	};

	const onEvent = (event: string, path: string) => {
		const absolute = resolve(path);
		for (const target of targets) {
			if (absolute === target || absolute.startsWith(target + sep)) {
				schedule(target);
			} else if (event === "addDir" && target.startsWith(absolute + sep)) {
				ensure(target);
				// The file may have been written before the new watch was in place.
				if (existsSync(target)) schedule(target);
			}
		}
	};

	const ensure = (target: string): Promise<void> => {
		if (closed) return Promise.resolve();
		const anchor = anchorFor(target);
		if (watchers.has(anchor)) return Promise.resolve();
		const watcher = watch(anchor, {
			ignoreInitial: true,
			atomic: true,
			...(anchor === target ? {} : { depth: 0 }),
		});
		watcher.on("all", onEvent);
		watcher.on("error", (error) => options.onError?.(error));
		watchers.set(anchor, watcher);
		return new Promise((resolve) => {
			const done = () => {
				readyWaiters.delete(done);
				resolve();
			};
			readyWaiters.add(done);
			watcher.once("ready", done);
		});
	};

	const ready = Promise.all(targets.map(ensure)).then(() => {});

	return {
		ready,
		async close() {
			closed = true;
			if (timer) clearTimeout(timer);
			timer = undefined;
			for (const done of [...readyWaiters]) done();
			const all = [...watchers.values()];
			watchers.clear();
			await Promise.all(all.map((watcher) => watcher.close()));
		},
	};
}

/** The path itself when it or its folder exists (chokidar handles that), else the nearest existing ancestor. */
function anchorFor(target: string): string {
	if (existsSync(target) || existsSync(dirname(target))) return target;
	let current = dirname(target);
	while (!existsSync(current)) {
		const parent = dirname(current);
		if (parent === current) return current;
		current = parent;
	}
	return current;
}
