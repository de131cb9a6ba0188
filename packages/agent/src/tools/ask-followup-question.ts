import { z } from "zod";
import type { ToolDefinition } from "./types.js";

// Roo Code models have sent suggestions as plain strings, as {suggest} (XML era) and as
// {text, mode}; all become plain strings, the one form the schema shows the model.
function suggestionText(item: unknown): unknown {
	if (item === null || typeof item !== "object") return item;
	const record = item as Record<string, unknown>;
	if (typeof record.suggest === "string") return record.suggest;
	if (typeof record.text === "string") return record.text;
	return item;
}

const inputSchema = z.object({
	question: z.string().describe("The question for the user."),
	follow_up: z
		.preprocess(
			(value) => (value === null ? undefined : Array.isArray(value) ? value.map(suggestionText) : value),
			z.array(z.string()).optional(),
		)
		.optional()
		.describe("Optional suggested answers, 2-4 short strings."),
});

export type AskFollowupQuestionInput = z.infer<typeof inputSchema>;

export const NO_USER_ANSWER =
	"No user is available to answer questions in this session. Decide for yourself, using your best judgement, and continue with the task.";

export const askFollowupQuestionTool: ToolDefinition<AskFollowupQuestionInput> = {
	name: "ask_followup_question",
	description: [
		"Ask the user a question when you cannot continue without information only they have.",
		"Parameters: question, follow_up (optional list of suggested answers).",
		"In this environment nobody answers: you will be told to decide for yourself, so prefer making a sensible, clearly stated assumption over asking.",
	].join("\n"),
	inputSchema,
	async execute(input) {
		const suggested = (input.follow_up?.length ?? 0) > 0;
		return {
			ok: true,
			output: suggested
				? `${NO_USER_ANSWER} Of the answers you suggested, pick the most sensible one.`
				: NO_USER_ANSWER,
		};
	},
};
