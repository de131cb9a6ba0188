import { APICallError } from "@ai-sdk/provider";

export interface RetryInfo {
	/** 1 for the first retry. */
	attempt: number;
	delayMs: number;
	error: unknown;
	/** HTTP status of the failed call; undefined when the request never got an answer. */
	status: number | undefined;
}

export interface RetryOptions {
	/** Retries after the first call (default 3). */
	maxRetries?: number;
	/** First backoff delay, doubled on each retry (default 1000). */
	baseDelayMs?: number;
	/** Upper bound of any wait, Retry-After included (default 60000). */
	maxDelayMs?: number;
	/** Aborting rejects at once with the signal's reason, even in the middle of a wait. */
	signal?: AbortSignal;
	/** Called before each wait, e.g. to tell the user that a retry is coming. */
	onRetry?: (info: RetryInfo) => void;
	/** Source of jitter in [0, 1); tests pin it. */
	random?: () => number;
}

const RETRYABLE_STATUSES = new Set([408, 409, 429]);

export function isRetryableStatus(status: number): boolean {
	return RETRYABLE_STATUSES.has(status) || (status >= 500 && status <= 599);
}

/**
 * The APICallError behind an error. The AI SDK wraps errors (RetryError.lastError, `cause`),
 * so the chain is followed a few levels.
 */
export function findApiCallError(error: unknown): APICallError | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
		if (APICallError.isInstance(current)) return current;
		if (typeof current !== "object") return undefined;
		const next: unknown =
			"lastError" in current && current.lastError !== undefined
				? current.lastError
				: "cause" in current
					? current.cause
					: undefined;
		current = next;
	}
	return undefined;
}

/** HTTP status of a failed provider call, if any. */
export function statusOf(error: unknown): number | undefined {
	return findApiCallError(error)?.statusCode;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === name) return value;
	}
	return undefined;
}

/**
 * The wait a server asked for, in ms: `retry-after-ms` (OpenAI), else `Retry-After` as seconds
 * or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(
	headers: Record<string, string> | undefined,
	now: number = Date.now(),
): number | undefined {
	const ms = header(headers, "retry-after-ms");
	if (ms !== undefined && ms.trim() !== "") {
		const value = Number(ms);
		if (Number.isFinite(value) && value >= 0) return value;
	}
	const after = header(headers, "retry-after")?.trim();
	if (!after) return undefined;
	if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
	const date = Date.parse(after);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whether a failed call is worth repeating: 408, 409, 429, 5xx, or no answer at all. */
export function isRetryableError(error: unknown): boolean {
	const apiError = findApiCallError(error);
	if (!apiError) return false;
	if (apiError.statusCode === undefined) return apiError.isRetryable; // connection failed, no answer
	return isRetryableStatus(apiError.statusCode);
}

function abortReason(signal: AbortSignal): unknown {
	return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) {
			reject(abortReason(signal));
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			if (signal) reject(abortReason(signal));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (the promise is left to finish). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) return Promise.reject(abortReason(signal));
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(abortReason(signal));
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

/**
 * Calls `fn` (with the number of retries made so far) until it succeeds, retrying transient
 * provider failures with exponential backoff and jitter. A server's Retry-After wins over the
 * backoff, capped at `maxDelayMs`. Anything else (401, 400, ProviderConfigError, bugs) is thrown
 * at once.
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
	const { maxRetries = 3, baseDelayMs = 1_000, maxDelayMs = 60_000, signal, onRetry, random = Math.random } = options;
	for (let attempt = 0; ; attempt++) {
		if (signal?.aborted) throw abortReason(signal);
		try {
			return await raceAbort(fn(attempt), signal);
		} catch (error) {
			if (signal?.aborted) throw abortReason(signal);
			if (attempt >= maxRetries || !isRetryableError(error)) throw error;
			const apiError = findApiCallError(error);
			const requested = retryAfterMs(apiError?.responseHeaders);
			// Equal jitter: at least half the backoff, so retries from many tasks spread out
			// without any of them retrying almost at once.
			const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
			const delayMs = Math.round(Math.min(maxDelayMs, requested ?? backoff * (0.5 + random() / 2)));
			onRetry?.({ attempt: attempt + 1, delayMs, error, status: apiError?.statusCode });
			await sleep(delayMs, signal);
		}
	}
}
