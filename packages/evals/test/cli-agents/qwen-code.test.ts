import { type CliScenario, cliAgentSuite, MOCK_PRICES, usage, workspaceOf } from "../helpers/cli-agents.js";

/**
 * Qwen Code refuses a foreground command that is only a `sleep` of two seconds or more (it tells
 * the model to run it in the background instead, which would end the turn at once). A model that
 * wants to wait runs it in a subshell: the same `sleep` process, which the timeout and cancel
 * checks look for.
 */
function foreground(command: string): string {
	return command.startsWith("sleep ") ? `(${command})` : command;
}

const scenario: CliScenario = {
	agent: "qwen-code",
	// Qwen Code speaks OpenAI chat completions; a model of our own, priced by the run (modelInfo).
	model: "openai-compatible:mock-model",
	keyEnv: "OPENAI_API_KEY",
	// It reports no cost: the run's prices (MOCK_PRICES, the default expectation) make it.
	settings: (url) => ({ openAiBaseUrl: `${url}/v1`, modelInfo: { contextWindow: 128_000, ...MOCK_PRICES } }),
	// Like Claude Code, it replaces an existing file only after reading it in the session.
	write: (file, content) => [
		(request) => ({
			text: `Reading ${file}.`,
			toolCalls: [{ name: "read_file", input: { file_path: `${workspaceOf(request)}/${file}` } }],
			usage: usage(1),
		}),
		(request) => ({
			toolCalls: [{ name: "write_file", input: { file_path: `${workspaceOf(request)}/${file}`, content } }],
			usage: usage(2),
		}),
	],
	run: (command) => ({
		toolCalls: [{ name: "run_shell_command", input: { command: foreground(command), description: "run" } }],
		usage: usage(3),
	}),
	solveTools: {
		read_file: { attempts: 1, failures: 0 },
		write_to_file: { attempts: 1, failures: 0 },
		execute_command: { attempts: 1, failures: 0 },
	},
};

await cliAgentSuite(scenario);
