import type { ClineAsk, ClineMessage, ClineSay, MessageEventPayload } from "@agent-evals/types";

type Extra = Pick<ClineMessage, "partial" | "images" | "reasoning">;

/**
 * The task's UI transcript (Roo Code's `ui_messages.json`). Every change goes out as a
 * `message` event at once; saving to disk is batched, since streaming updates a message many
 * times a second.
 */
export class UiMessageLog {
	readonly messages: ClineMessage[];
	private lastTs = 0;
	private saveTimer: NodeJS.Timeout | undefined;

	constructor(
		private readonly taskId: string,
		private readonly emit: (payload: MessageEventPayload) => void,
		private readonly persist: (messages: ClineMessage[]) => void,
		existing: ClineMessage[] = [],
		private readonly saveDelayMs = 250,
	) {
		this.messages = existing;
		this.lastTs = existing.reduce((max, message) => Math.max(max, message.ts), 0);
	}

	say(say: ClineSay, text?: string, extra: Extra = {}): number {
		return this.add({ type: "say", say, text, ...extra });
	}

	ask(ask: ClineAsk, text?: string, extra: Extra = {}): number {
		return this.add({ type: "ask", ask, text, ...extra });
	}

	/** Changes a message in place (found by its ts) and announces the new version. */
	update(ts: number, patch: Partial<Omit<ClineMessage, "ts" | "type">>): void {
		const index = this.messages.findLastIndex((message) => message.ts === ts);
		const current = this.messages[index];
		if (!current) return;
		const next = dropUndefined({ ...current, ...patch });
		this.messages[index] = next;
		this.emit({ taskId: this.taskId, action: "updated", message: next });
		this.scheduleSave(patch.partial === true);
	}

	get(ts: number): ClineMessage | undefined {
		return this.messages.findLast((message) => message.ts === ts);
	}

	/** Writes now (end of a turn, end of the task). */
	flush(): void {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = undefined;
		this.persist(this.messages);
	}

	dispose(): void {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = undefined;
	}

	private add(message: Omit<ClineMessage, "ts">): number {
		// ts doubles as the message id, so it must be unique and increasing.
		const ts = Math.max(Date.now(), this.lastTs + 1);
		this.lastTs = ts;
		const full = dropUndefined({ ts, ...message } as ClineMessage);
		this.messages.push(full);
		this.emit({ taskId: this.taskId, action: "created", message: full });
		this.scheduleSave(message.partial === true);
		return ts;
	}

	private scheduleSave(partial: boolean): void {
		if (!partial) {
			this.flush();
			return;
		}
		this.saveTimer ??= setTimeout(() => this.flush(), this.saveDelayMs);
	}
}

function dropUndefined<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
