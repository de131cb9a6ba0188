import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type MockLlmServer, startMockLlmServer } from "@agent-evals/agent/testing";
import { runReportSchema } from "@agent-evals/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { Store } from "../src/db/store.js";
import { runCli, said } from "./helpers/cli.js";
import { RUNNER_SUITE } from "./helpers/runner.js";

/*
 * The run options of `evals run` end to end, as a user gives them: settings from a file and from
 * --set, a system prompt, per-language prompts, a second try fed the failing tests' output, and a
 * fallback model taking over from a primary that answers 500. The model is the mock LLM server,
 * so what the agent was told can be read from the requests it made.
 */

const temps: string[] = [];
afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

const WRONG = "def add(a, b):\n    return a - b\n";
const RIGHT = "def add(a, b):\n    return a + b\n";
const SYSTEM_PROMPT = "Always answer in the voice of a careful reviewer. Marker: SYS-7f3a.";
const PYTHON_PROMPT = "Make adder.py pass its tests. Marker: PY-91c2.";

describe("evals run with settings, a system prompt, prompts, two tries and a fallback model", () => {
	let server: MockLlmServer;
	let home: string;
	let runId: number;
	let stdout: string;

	beforeAll(async () => {
		home = await mkdtemp(path.join(os.tmpdir(), "evals-run-options-"));
		temps.push(home);
		server = await startMockLlmServer({
			script: [
				// The primary fails for good: the first call and its three retries.
				...Array.from({ length: 4 }, () => ({ error: { status: 500, message: "upstream is down" } })),
				// The fallback's first try: wrong code, then done.
				{
					toolCalls: [{ name: "write_to_file", input: { path: "adder.py", content: WRONG } }],
					usage: { inputTokens: 1_000, outputTokens: 50 },
				},
				{
					toolCalls: [{ name: "attempt_completion", input: { result: "done" } }],
					usage: { inputTokens: 1_100, outputTokens: 10 },
				},
				// The second try, after the failing tests' output: the fix.
				{
					toolCalls: [{ name: "write_to_file", input: { path: "adder.py", content: RIGHT } }],
					usage: { inputTokens: 2_000, outputTokens: 50 },
				},
				{
					toolCalls: [{ name: "attempt_completion", input: { result: "fixed" } }],
					usage: { inputTokens: 2_100, outputTokens: 10 },
				},
			],
		});
		const settings = path.join(home, "settings.json");
		await writeFile(
			settings,
			JSON.stringify({ modelTemperature: 0, modelInfo: { contextWindow: 32_000, inputPrice: 1, outputPrice: 2 } }),
		);
		const system = path.join(home, "system.md");
		await writeFile(system, SYSTEM_PROMPT);
		const prompts = path.join(home, "prompts");
		await mkdir(prompts);
		await writeFile(path.join(prompts, "python.md"), PYTHON_PROMPT);
		const result = await runCli(
			[
				"run",
				"--json",
				"--suite",
				RUNNER_SUITE,
				"-x",
				"python/adder",
				"-m",
				"openai-compatible:mock-model",
				"--settings",
				settings,
				"--set",
				`openAiBaseUrl=${server.url}/v1`,
				"--system-prompt",
				system,
				"--prompts",
				prompts,
				"--tries",
				"2",
				"--fallback-model",
				"openai-compatible:mock-model-large",
			],
			{ home, env: { OPENAI_API_KEY: "sk-test-run-options" }, timeoutMs: 120_000 },
		);
		expect(result.code, said(result)).toBe(0);
		stdout = result.stdout;
		runId = runReportSchema.parse(JSON.parse(stdout)).runId;
	}, 150_000);

	afterAll(async () => {
		await server?.close();
	});

	it("passes at the second try, on the fallback model, and says so in the run --json contract", () => {
		const report = runReportSchema.parse(JSON.parse(stdout));
		expect(report).toMatchObject({ passed: 1, failed: 0, total: 1 });
		expect(report.stats).toBeUndefined();
		expect(server.remainingTurns()).toBe(0);
	});

	it("told the agent the system prompt and the language's prompt, and fed the failing tests back", () => {
		const modelCalls = server.requests.filter((request) => request.path.startsWith("/v1/chat/completions"));
		expect(modelCalls).toHaveLength(8);
		const models = modelCalls.map((request) => (request.body as { model: string }).model);
		expect(models).toEqual([...Array(4).fill("mock-model"), ...Array(4).fill("mock-model-large")]);
		const first = JSON.stringify(modelCalls[0]?.body);
		expect(first).toContain("SYS-7f3a");
		expect(first).toContain("PY-91c2");
		// The suite's own prompt was replaced, not added to.
		expect(first).not.toContain("Do not change the tests.");
		expect((modelCalls[0]?.body as { temperature?: number } | undefined)?.temperature).toBe(0);
		// The second try's first request carries the runner's follow-up with pytest's output.
		const retry = JSON.stringify(modelCalls[6]?.body);
		expect(retry).toContain("The tests do not pass yet");
		expect(retry).toMatch(/assert -?\d+ == \d+|failed/);
	});

	it("stores each try, each model's usage, the prompts with their hashes and the fallback in the transcript", async () => {
		const database = await openDatabase({ evalsHome: home });
		try {
			const store = new Store(database);
			const detail = await store.runs.detail(runId);
			expect(detail?.run).toMatchObject({ tries: 2, passRate: 1, passRateFirstTry: 0 });
			expect(detail?.run.prompts?.system).toMatchObject({
				text: SYSTEM_PROMPT,
				sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
			});
			expect(detail?.run.prompts?.tasks?.python?.text).toBe(PYTHON_PROMPT);
			expect(detail?.run.settings).toMatchObject({
				modelTemperature: 0,
				openAiBaseUrl: `${server.url}/v1`,
				fallbackApiProvider: "openai-compatible",
				fallbackApiModelId: "mock-model-large",
			});
			expect(String(detail?.run.settings.customInstructions)).toContain("SYS-7f3a");

			const { tasks } = await store.tasks.summaries(runId);
			expect(tasks).toHaveLength(1);
			const [task] = tasks;
			expect(task).toMatchObject({ passed: true, passedAtTry: 2 });
			expect(task?.tries).toMatchObject([
				{ try: 1, passed: false, failureKind: "test_failed", tokensIn: 2_100, tokensOut: 60 },
				{ try: 2, passed: true, failureKind: null, tokensIn: 4_100, tokensOut: 60 },
			]);
			// Each model's share kept apart: the primary's failed calls cost nothing.
			expect(task?.modelUsage?.["openai-compatible:mock-model-large"]).toMatchObject({
				requests: 4,
				tokensIn: 6_200,
				tokensOut: 120,
			});
			expect(task?.modelUsage?.["openai-compatible:mock-model"]?.tokensIn ?? 0).toBe(0);

			const events = await store.events.list(runId);
			const says = events
				.filter((event) => event.eventName === "message")
				.map((event) => (event.event.payload as [{ message: { say?: string; text?: string } }])[0].message);
			expect(
				says.some(
					(m) => m.say === "api_req_retried" && /fallback model openai-compatible:mock-model-large/.test(m.text ?? ""),
				),
			).toBe(true);
			expect(says.some((m) => m.say === "user_feedback" && /The tests do not pass yet/.test(m.text ?? ""))).toBe(true);
		} finally {
			await database.close();
		}
	});

	it("evals show prints the pass rate at each try and the options that differ from the defaults", async () => {
		const result = await runCli(["show", String(runId)], { home });
		expect(result.code, said(result)).toBe(0);
		expect(result.stdout).toMatch(/^pass@try1 0\.0% · pass@try2 100\.0%$/m);
		expect(result.stdout).toMatch(/^Run options \(changed from the defaults\):$/m);
		expect(result.stdout).toMatch(/^ {2}modelTemperature = 0$/m);
		expect(result.stdout).toMatch(/^ {2}fallback model = openai-compatible:mock-model-large$/m);
		expect(result.stdout).toMatch(/^ {2}tries = 2$/m);
		expect(result.stdout).toMatch(/^ {2}system prompt = \d+ characters, sha256 [0-9a-f]{12}$/m);
		expect(result.stdout).toMatch(/^ {2}python prompt = \d+ characters, sha256 [0-9a-f]{12}$/m);
		// The system prompt is said once, by hash, not also as the custom instructions it became.
		expect(result.stdout).not.toMatch(/customInstructions/);

		const json = await runCli(["show", String(runId), "--json"], { home });
		const report = JSON.parse(json.stdout) as { stats: { passRateByTry: number[] } };
		expect(report.stats.passRateByTry).toEqual([0, 1]);
	});
});

describe("run options: mistakes get one line and exit code 2", () => {
	let home: string;
	beforeAll(async () => {
		home = await mkdtemp(path.join(os.tmpdir(), "evals-run-options-bad-"));
		temps.push(home);
		await writeFile(path.join(home, "typo.json"), JSON.stringify({ modelTemprature: 0 }));
		await writeFile(path.join(home, "secret.json"), JSON.stringify({ openAiApiKey: "sk-nope" }));
		await writeFile(path.join(home, "bad.json"), "{ not json");
		await writeFile(path.join(home, "list.json"), "[1, 2]");
		await writeFile(path.join(home, "empty.md"), "  \n");
		await mkdir(path.join(home, "no-prompts"));
		await writeFile(path.join(home, "no-prompts", "notes.txt"), "not a prompt");
	});

	const cases: Array<[string, (home: string) => string[], RegExp]> = [
		[
			"an unknown key in the settings file, with the closest match",
			(h) => ["--settings", path.join(h, "typo.json")],
			/typo\.json: Unknown setting "modelTemprature" \(did you mean "modelTemperature"\?\)/,
		],
		[
			"a provider key in the settings file",
			(h) => ["--settings", path.join(h, "secret.json")],
			/secret\.json: "openAiApiKey" looks like a secret .* put it in the environment as OPENAI_API_KEY\./,
		],
		[
			"a provider key in --set",
			() => ["--set", "apiKey=sk-ant-nope"],
			/--set: "apiKey" looks like a secret .* in the environment as ANTHROPIC_API_KEY\./,
		],
		[
			"a settings file that is not JSON",
			(h) => ["--settings", path.join(h, "bad.json")],
			/bad\.json is not valid JSON/,
		],
		[
			"a settings file that is not an object",
			(h) => ["--settings", path.join(h, "list.json")],
			/must hold a JSON object/,
		],
		[
			"a settings file that does not exist",
			(h) => ["--settings", path.join(h, "nope.json")],
			/nope\.json: no such file/,
		],
		["a --set without =", () => ["--set", "modelTemperature"], /expected key=value, got "modelTemperature"/],
		[
			"a system prompt file that does not exist",
			(h) => ["--system-prompt", path.join(h, "nope.md")],
			/Cannot read the system prompt .*nope\.md: no such file/,
		],
		[
			"an empty system prompt",
			(h) => ["--system-prompt", path.join(h, "empty.md")],
			/The system prompt .*empty\.md is empty/,
		],
		[
			"a prompts folder without prompts",
			(h) => ["--prompts", path.join(h, "no-prompts")],
			/has no <language>\.md file/,
		],
		["four tries", () => ["--tries", "4"], /tries.*between 1 and 3/],
		["a fallback model of an unknown provider", () => ["--fallback-model", "nosuch:model"], /nosuch/],
	];

	it.each(cases)("%s", async (_name, args, message) => {
		const result = await runCli(["run", "--suite", RUNNER_SUITE, "-x", "python/adder", ...args(home)], { home });
		expect(result.code, said(result)).toBe(2);
		expect(result.stderr).toMatch(message);
		// One line, plus commander's pointer to --help for a malformed flag.
		const lines = result.stderr
			.trim()
			.split("\n")
			.filter((line) => line !== "(add --help for usage)");
		expect(lines).toHaveLength(1);
		expect(result.stdout).toBe("");
	});
});
