import { type CliScenario, cliAgentSuite, MOCK_PRICES, usage, workspaceOf } from "../helpers/cli-agents.js";

/*
 * A model Codex has metadata for (its bundled catalog): for one it does not know, Codex warns
 * and falls back to a tool set without apply_patch. Our model table does not price it, so the
 * run declares the mock's prices, and the cost is ours (Codex reports none).
 */
const MODEL = "gpt-5.5";

/** An apply_patch patch that creates `path` with `content` (every line prefixed by "+"). */
function addFile(path: string, content: string): string {
	const lines = content.split("\n");
	if (lines.at(-1) === "") lines.pop();
	return ["*** Begin Patch", `*** Add File: ${path}`, ...lines.map((line) => `+${line}`), "*** End Patch", ""].join(
		"\n",
	);
}

const scenario: CliScenario = {
	agent: "codex",
	model: `openai-native:${MODEL}`,
	keyEnv: "OPENAI_API_KEY",
	settings: (url) => ({ openAiNativeBaseUrl: `${url}/v1`, modelInfo: { ...MOCK_PRICES } }),
	// apply_patch is a freeform tool: its input is the patch text, not JSON.
	write: (file, content) => [
		(request) => ({
			text: `Writing ${file}.`,
			toolCalls: [{ name: "apply_patch", input: addFile(`${workspaceOf(request)}/${file}`, content) }],
			usage: usage(1),
		}),
	],
	run: (command) => ({ toolCalls: [{ name: "exec_command", input: { cmd: command } }], usage: usage(2) }),
	solveTools: {
		apply_patch: { attempts: 1, failures: 0 },
		execute_command: { attempts: 1, failures: 0 },
	},
};

await cliAgentSuite(scenario);
