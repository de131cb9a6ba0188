import { GradingStop } from "./session.js";

interface InFlight<T> {
	promise: Promise<T>;
	controller: AbortController;
	waiters: number;
}

/**
 * One run of a slow job per key inside this process, however many gradings ask for it at once
 * (two tries of an exercise installing the same dependencies). Each caller waits with its own
 * cancellation signal; the job itself is cancelled only when every caller has given up, so one
 * cancelled task does not fail the others, and a cancelled run does not leave an install running.
 */
export class SharedWork<T> {
	private readonly inFlight = new Map<string, InFlight<T>>();

	/** `started` tells the caller whose call ran the job (its output belongs in that grading's log). */
	async run(
		key: string,
		job: (signal: AbortSignal) => Promise<T>,
		signal?: AbortSignal,
	): Promise<{ value: T; started: boolean }> {
		if (signal?.aborted) throw new GradingStop("infra", "grading cancelled");
		let entry = this.inFlight.get(key);
		const started = entry === undefined;
		if (entry === undefined) {
			const controller = new AbortController();
			const promise = job(controller.signal).finally(() => this.inFlight.delete(key));
			// Nobody may be listening when a job fails after every caller left.
			promise.catch(() => {});
			entry = { promise, controller, waiters: 0 };
			this.inFlight.set(key, entry);
		}
		const current = entry;
		current.waiters++;
		try {
			return { value: await untilAborted(current.promise, signal), started };
		} catch (error) {
			if (error instanceof CallerGaveUp) {
				if (current.waiters === 1) current.controller.abort();
				throw new GradingStop("infra", "grading cancelled");
			}
			throw error;
		} finally {
			current.waiters--;
		}
	}
}

class CallerGaveUp extends Error {}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (signal === undefined) return promise;
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(new CallerGaveUp());
		signal.addEventListener("abort", onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener("abort", onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener("abort", onAbort);
				reject(error);
			},
		);
	});
}
