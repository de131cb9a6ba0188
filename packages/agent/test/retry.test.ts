import { APICallError } from "@ai-sdk/provider";
import { describe, expect, it, vi } from "vitest";
import { isRetryableError, type RetryInfo, retryAfterMs, statusOf, withRetries } from "../src/providers/retry.js";
import { ProviderConfigError } from "../src/providers/types.js";

function apiError(statusCode: number | undefined, responseHeaders?: Record<string, string>, isRetryable?: boolean) {
	return new APICallError({
		message: `HTTP ${statusCode ?? "none"}`,
		url: "http://127.0.0.1/v1/chat/completions",
		requestBodyValues: {},
		statusCode,
		responseHeaders,
		isRetryable,
	});
}

/** An fn that fails with the given errors in turn, then resolves with the attempt number. */
function failing(...errors: unknown[]) {
	const attempts: number[] = [];
	const fn = async (attempt: number) => {
		attempts.push(attempt);
		const error = errors[attempts.length - 1];
		if (error !== undefined) throw error;
		return `ok after ${attempt}`;
	};
	return { fn, attempts };
}

describe("withRetries", () => {
	it("honours Retry-After on a 429 instead of its own backoff", async () => {
		const { fn, attempts } = failing(apiError(429, { "retry-after": "0.2" }));
		const retries: RetryInfo[] = [];
		const started = Date.now();
		await expect(withRetries(fn, { baseDelayMs: 5_000, onRetry: (info) => retries.push(info) })).resolves.toBe(
			"ok after 1",
		);
		const elapsed = Date.now() - started;
		expect(elapsed).toBeGreaterThanOrEqual(180);
		expect(elapsed).toBeLessThan(2_000);
		expect(attempts).toEqual([0, 1]);
		expect(retries).toHaveLength(1);
		expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 200, status: 429 });
	});

	it("honours retry-after-ms and caps any wait at maxDelayMs", async () => {
		const delays: number[] = [];
		const { fn } = failing(apiError(429, { "retry-after-ms": "30" }), apiError(503, { "Retry-After": "120" }));
		await withRetries(fn, { maxDelayMs: 40, onRetry: ({ delayMs }) => delays.push(delayMs) });
		expect(delays).toEqual([30, 40]);
	});

	it("retries 500, 502, 408 and 409 with exponential backoff and jitter", async () => {
		const delays: number[] = [];
		const { fn, attempts } = failing(apiError(500), apiError(502), apiError(408), apiError(409));
		await expect(
			withRetries(fn, {
				maxRetries: 4,
				baseDelayMs: 4,
				random: () => 0,
				onRetry: ({ delayMs }) => delays.push(delayMs),
			}),
		).resolves.toBe("ok after 4");
		expect(attempts).toEqual([0, 1, 2, 3, 4]);
		// random() = 0 gives the lower bound: half of 4, 8, 16, 32.
		expect(delays).toEqual([2, 4, 8, 16]);
	});

	it("keeps the jittered delay between half and all of the backoff", async () => {
		const delays: number[] = [];
		const { fn } = failing(apiError(500), apiError(500));
		await withRetries(fn, { baseDelayMs: 10, random: () => 0.999, onRetry: ({ delayMs }) => delays.push(delayMs) });
		expect(delays).toEqual([10, 20]);
	});

	it("gives up after maxRetries and throws the last error", async () => {
		const last = apiError(500);
		const { fn, attempts } = failing(apiError(500), apiError(500), last);
		await expect(withRetries(fn, { maxRetries: 2, baseDelayMs: 1 })).rejects.toBe(last);
		expect(attempts).toEqual([0, 1, 2]);
	});

	it.each([
		["400", apiError(400)],
		["401", apiError(401)],
		["404", apiError(404)],
		["ProviderConfigError", new ProviderConfigError("Missing API key")],
		["a plain Error", new Error("bug")],
	])("does not retry %s", async (_name, error) => {
		const onRetry = vi.fn();
		const { fn, attempts } = failing(error);
		await expect(withRetries(fn, { baseDelayMs: 1, onRetry })).rejects.toBe(error);
		expect(attempts).toEqual([0]);
		expect(onRetry).not.toHaveBeenCalled();
	});

	it("retries a request that got no answer at all when the SDK marks it retryable", async () => {
		const { fn, attempts } = failing(apiError(undefined, undefined, true));
		await withRetries(fn, { baseDelayMs: 1 });
		expect(attempts).toEqual([0, 1]);
	});

	it("finds the APICallError inside wrapping errors", async () => {
		const wrapped = Object.assign(new Error("Failed after 1 attempt"), { lastError: apiError(429) });
		const caused = new Error("stream failed", { cause: apiError(503) });
		expect(isRetryableError(wrapped)).toBe(true);
		expect(statusOf(caused)).toBe(503);
		const { fn, attempts } = failing(wrapped, caused);
		await withRetries(fn, { baseDelayMs: 1 });
		expect(attempts).toEqual([0, 1, 2]);
	});

	it("stops waiting as soon as the signal aborts, with the abort reason", async () => {
		const controller = new AbortController();
		const { fn, attempts } = failing(apiError(429, { "retry-after": "30" }));
		const reason = new Error("task cancelled");
		setTimeout(() => controller.abort(reason), 30);
		const started = Date.now();
		await expect(withRetries(fn, { signal: controller.signal })).rejects.toBe(reason);
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(attempts).toEqual([0]);
	});

	it("does not wait for a call in flight when the signal aborts", async () => {
		const controller = new AbortController();
		const never = () => new Promise<string>(() => {});
		setTimeout(() => controller.abort(new Error("stop")), 20);
		await expect(withRetries(never, { signal: controller.signal })).rejects.toThrow("stop");
	});

	it("does not start when the signal has already aborted", async () => {
		const fn = vi.fn(async () => "never");
		await expect(withRetries(fn, { signal: AbortSignal.abort(new Error("early")) })).rejects.toThrow("early");
		expect(fn).not.toHaveBeenCalled();
	});
});

describe("retryAfterMs", () => {
	it("reads seconds, HTTP dates and milliseconds", () => {
		const now = Date.parse("2025-01-01T00:00:00Z");
		expect(retryAfterMs({ "retry-after": "3" }, now)).toBe(3_000);
		expect(retryAfterMs({ "Retry-After": "Wed, 01 Jan 2025 00:00:10 GMT" }, now)).toBe(10_000);
		expect(retryAfterMs({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, now)).toBe(0);
		expect(retryAfterMs({ "retry-after-ms": "1500", "retry-after": "9" }, now)).toBe(1_500);
		expect(retryAfterMs({ "retry-after": "soon" }, now)).toBeUndefined();
		expect(retryAfterMs(undefined, now)).toBeUndefined();
	});
});
