import { z } from "zod";
import { optionalString } from "./params.js";
import type { ToolDefinition } from "./types.js";

const inputSchema = z.object({
	result: z
		.string()
		.refine((text) => text.trim() !== "", "must describe what was done")
		.describe("Final summary of what was done, written for the user. Do not end with a question."),
	command: optionalString("Accepted for compatibility and ignored: nobody is there to watch a demo."),
});

export type AttemptCompletionInput = z.infer<typeof inputSchema>;

export const attemptCompletionTool: ToolDefinition<AttemptCompletionInput> = {
	name: "attempt_completion",
	description: [
		"Finish the task. Use it only once the work is done and checked (tests run, files written): it ends the task and nothing can be done afterwards.",
		"Parameters: result (a final summary of what was done), command (optional, ignored).",
	].join("\n"),
	inputSchema,
	async execute(input) {
		return { ok: true, output: "The task is complete.", completion: input.result };
	},
};
