import type { RecordedRequest } from "@agent-evals/agent/testing";
import { lookupModelInfo } from "@agent-evals/types/models";
import { type CliScenario, cliAgentSuite, priced, usage, workspaceOf } from "../helpers/cli-agents.js";

const MODEL = "gemini-2.5-flash";
const table = lookupModelInfo("gemini", MODEL);

/**
 * The workspace as Gemini CLI lists it to the model. Its context names the project's temporary
 * directory first (<GEMINI_CLI_HOME>/.gemini/tmp/<the workspace's name>, so also ending in
 * /workspace), which workspaceOf would take for the workspace; it writes there without a word.
 */
function workspaceIn(request: RecordedRequest): string {
	const listed = /Workspace Directories:\*\*\\n\s*- (\/[^"\s\\]+)/.exec(JSON.stringify(request.body));
	return listed?.[1] ?? workspaceOf(request);
}

const scenario: CliScenario = {
	agent: "gemini-cli",
	model: `gemini:${MODEL}`,
	keyEnv: "GEMINI_API_KEY",
	// A model the table knows and no prices of our own: Gemini CLI reports no cost, so the table's is used.
	settings: (url) => ({ googleGeminiBaseUrl: url }),
	cost: (served) =>
		priced(served, {
			inputPrice: table?.inputPrice ?? Number.NaN,
			outputPrice: table?.outputPrice ?? Number.NaN,
			cacheReadsPrice: table?.cacheReadsPrice ?? Number.NaN,
			// Gemini's format has no cache writes, so this price never applies.
			cacheWritesPrice: table?.cacheWritesPrice ?? 0,
		}),
	// write_file creates or replaces a file whole, without reading it first.
	write: (file, content) => [
		(request) => ({
			text: `Writing ${file}.`,
			toolCalls: [{ name: "write_file", input: { file_path: `${workspaceIn(request)}/${file}`, content } }],
			usage: usage(1),
		}),
	],
	run: (command) => ({
		toolCalls: [{ name: "run_shell_command", input: { command, description: "run" } }],
		usage: usage(2),
	}),
	solveTools: {
		write_to_file: { attempts: 1, failures: 0 },
		execute_command: { attempts: 1, failures: 0 },
	},
};

await cliAgentSuite(scenario);
