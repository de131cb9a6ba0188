import type { TokenUsage, ToolUsage } from "@agent-evals/types";

export const TOKEN_USAGE_INTERVAL_MS = 2_000;

/**
 * Sends `taskTokenUsageUpdated` at most once per interval, only when something changed, and
 * flushes the last change before the task ends (so the final numbers always go out before
 * `taskCompleted` / `taskAborted`).
 */
export class TokenUsageReporter {
	private lastSent = "";
	private lastSentAt = Number.NEGATIVE_INFINITY;
	private pending: { usage: TokenUsage; tools: ToolUsage } | undefined;
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly send: (usage: TokenUsage, tools: ToolUsage) => void,
		private readonly intervalMs = TOKEN_USAGE_INTERVAL_MS,
		private readonly now: () => number = Date.now,
	) {}

	update(usage: TokenUsage, tools: ToolUsage): void {
		this.pending = { usage: { ...usage }, tools: structuredClone(tools) };
		const wait = this.lastSentAt + this.intervalMs - this.now();
		if (wait <= 0) this.flush();
		else this.timer ??= setTimeout(() => this.flush(), wait);
	}

	/** Sends the pending change now, if any. */
	flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const pending = this.pending;
		this.pending = undefined;
		if (!pending) return;
		const key = JSON.stringify(pending);
		if (key === this.lastSent) return;
		this.lastSent = key;
		this.lastSentAt = this.now();
		this.send(pending.usage, pending.tools);
	}

	dispose(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.pending = undefined;
	}
}
