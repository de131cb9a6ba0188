import { platform } from "node:os";
import type { ToolDefinition } from "../tools/types.js";

/** The rules every task runs under. Tool parameters reach the model through native tool calling. */
export function buildSystemPrompt(options: {
	workspace: string;
	tools: ToolDefinition[];
	customInstructions?: string;
	/** Further sections, e.g. the MCP servers the task can use. */
	sections?: string[];
}): string {
	const toolList = options.tools.map((tool) => `- ${tool.name}: ${firstSentence(tool.description)}`).join("\n");
	const sections = [
		"You are a skilled software engineer working alone on a programming task, with tools to read, search and edit files and to run commands.",
		`# Tools\nCall tools with native tool calls. One tool call per message is best: look at each result before deciding the next step.\n${toolList}`,
		[
			"# Rules",
			`- Work only inside the workspace ${options.workspace}. Paths are relative to it. Files outside it cannot be read or written.`,
			"- Read the instructions and the existing files before editing. Keep the public interface the tests expect.",
			"- Do not modify the tests. Make the implementation pass them.",
			"- Run the tests with execute_command, read the failures, fix the code and run them again until they pass.",
			"- Nobody will answer questions: never wait for the user. When something is unclear, decide yourself and carry on.",
			"- Every message must call a tool. When the task is done and the tests pass, call attempt_completion with a short summary.",
			"- Commands run non-interactively with a time limit; never start servers or watchers that do not exit.",
		].join("\n"),
		...(options.sections ?? []),
		`# Environment\nOperating system: ${platform()}\nWorkspace: ${options.workspace}`,
	];
	if (options.customInstructions?.trim())
		sections.push(`# Additional instructions\n${options.customInstructions.trim()}`);
	return sections.join("\n\n");
}

function firstSentence(text: string): string {
	const line = text.split("\n")[0] ?? text;
	const end = line.search(/\.(\s|$)/);
	return end === -1 ? line : line.slice(0, end + 1);
}
