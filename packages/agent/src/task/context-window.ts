import type { ModelMessage } from "ai";

/** Rough token count (4 characters a token): enough to decide when to trim, never billed. */
export function estimateTokens(messages: ModelMessage[], system = ""): number {
	return Math.ceil((JSON.stringify(messages).length + system.length) / 4);
}

export interface TrimResult {
	messages: ModelMessage[];
	removed: number;
}

const NOTE_PREFIX = "[Note: earlier messages were removed";

function isTrimNote(message: ModelMessage | undefined): boolean {
	return message?.role === "user" && typeof message.content === "string" && message.content.startsWith(NOTE_PREFIX);
}

/**
 * Drops the oldest half of the conversation after the first user message (the task), as often
 * as needed, when it no longer fits. Cuts happen only before an assistant message, so a tool
 * result is never separated from the call it answers, and the newest turn always stays. A note
 * tells the model that context is missing.
 */
export function trimToFit(messages: ModelMessage[], budgetTokens: number, system = ""): TrimResult {
	const [first, ...rest] = messages;
	if (!first || estimateTokens(messages, system) <= budgetTokens) return { messages, removed: 0 };
	let body = isTrimNote(rest[0]) ? rest.slice(1) : rest;
	let removed = 0;
	const assemble = () => [
		first,
		{
			role: "user",
			content: `${NOTE_PREFIX} to fit the context window. Re-read files if you need their current content.]`,
		} as ModelMessage,
		...body,
	];
	while (estimateTokens(assemble(), system) > budgetTokens) {
		let cut = Math.max(1, Math.floor(body.length / 2));
		while (cut < body.length && body[cut]?.role !== "assistant") cut++;
		if (cut >= body.length) break; // only the newest turn is left
		body = body.slice(cut);
		removed += cut;
	}
	return removed === 0 ? { messages, removed: 0 } : { messages: assemble(), removed };
}
