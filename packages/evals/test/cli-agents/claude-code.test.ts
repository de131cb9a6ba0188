import { lookupModelInfo } from "@agent-evals/types/models";
import { describe, expect, it } from "vitest";
import {
	availability,
	type CliScenario,
	EXERCISE,
	evalsRun,
	expectUsage,
	referenceSolution,
	said,
	storedTask,
	TEST_COMMAND,
	transcript,
	usage,
	workspaceOf,
} from "../helpers/cli-agents.js";

const MODEL = "claude-sonnet-4-5";

const scenario: CliScenario = {
	agent: "claude-code",
	model: `anthropic:${MODEL}`,
	keyEnv: "ANTHROPIC_API_KEY",
	// A model the table knows: Claude Code prices it itself, and its figure must match ours.
	settings: (url) => ({ anthropicBaseUrl: url }),
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
	writeTool: "write_to_file",
	// Its session title: a call with no tools.
	side: (request) =>
		((request.body as { tools?: unknown[] }).tools?.length ?? 0) === 0
			? { text: "Roman numerals", usage: { inputTokens: 0, outputTokens: 0 } }
			: undefined,
	cacheWrites: true,
};

const { installed, title } = await availability(scenario.agent);

describe.skipIf(!installed)(title, () => {
	it("solves the smoke exercise through evals run, with its tokens, cost and tools recorded", async () => {
		const solution = await referenceSolution();
		const { result, mock, home } = await evalsRun(scenario, [
			...scenario.write("roman_numerals.py", solution),
			scenario.run(TEST_COMMAND),
			{ text: "All tests pass.", usage: usage(4, true) },
		]);
		try {
			expect(result.code, said(result)).toBe(0);
			const report = JSON.parse(result.stdout) as { runId: number; passed: number; tasks: { exercise: string }[] };
			const { task, detail } = await storedTask(home, report.runId);
			expect(report.passed, `${said(result)}\n${transcript(detail)}\n${detail?.testOutput}`).toBe(1);
			const served = mock.servedUsage();
			const info = lookupModelInfo("anthropic", MODEL);
			expect(info).toBeDefined();
			const uncached = served.inputTokens - served.cacheReadTokens - served.cacheWriteTokens;
			const tableCost =
				(uncached * (info?.inputPrice ?? 0) +
					served.cacheReadTokens * (info?.cacheReadsPrice ?? 0) +
					served.cacheWriteTokens * (info?.cacheWritesPrice ?? 0) +
					served.outputTokens * (info?.outputPrice ?? 0)) /
				1e6;
			expectUsage(task, served, tableCost);
			expect(task.toolUsage).toMatchObject({
				read_file: { attempts: 1, failures: 0 },
				write_to_file: { attempts: 1, failures: 0 },
				execute_command: { attempts: 1, failures: 0 },
			});
			expect(EXERCISE).toContain(report.tasks[0]?.exercise);
		} finally {
			await mock.close();
		}
	});
});
