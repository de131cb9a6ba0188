import { lookupModelInfo } from "@agent-evals/types/models";
import { type CliScenario, cliAgentSuite, priced, usage, workspaceOf } from "../helpers/cli-agents.js";

const MODEL = "claude-sonnet-4-5";
const table = lookupModelInfo("anthropic", MODEL);

const scenario: CliScenario = {
	agent: "claude-code",
	model: `anthropic:${MODEL}`,
	keyEnv: "ANTHROPIC_API_KEY",
	// A model the table knows and no prices of our own: Claude Code's cost is used, and must match the table's.
	settings: (url) => ({ anthropicBaseUrl: url }),
	cost: (served) =>
		priced(served, {
			inputPrice: table?.inputPrice ?? Number.NaN,
			outputPrice: table?.outputPrice ?? Number.NaN,
			cacheReadsPrice: table?.cacheReadsPrice ?? Number.NaN,
			cacheWritesPrice: table?.cacheWritesPrice ?? Number.NaN,
		}),
	// It replaces a file only after reading it.
	write: (file, content) => [
		(request) => ({
			text: `Reading ${file}.`,
			toolCalls: [{ name: "Read", input: { file_path: `${workspaceOf(request)}/${file}` } }],
			usage: usage(1, true),
		}),
		(request) => ({
			toolCalls: [{ name: "Write", input: { file_path: `${workspaceOf(request)}/${file}`, content } }],
			usage: usage(2, true),
		}),
	],
	run: (command) => ({ toolCalls: [{ name: "Bash", input: { command, description: "run" } }], usage: usage(3, true) }),
	solveTools: {
		read_file: { attempts: 1, failures: 0 },
		write_to_file: { attempts: 1, failures: 0 },
		execute_command: { attempts: 1, failures: 0 },
	},
	// Its session title: a call with no tools.
	side: (request) =>
		((request.body as { tools?: unknown[] }).tools?.length ?? 0) === 0
			? { text: "Roman numerals", usage: { inputTokens: 0, outputTokens: 0 } }
			: undefined,
	cacheWrites: true,
};

await cliAgentSuite(scenario);
