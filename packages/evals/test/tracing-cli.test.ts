import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { Store } from "../src/db/store.js";
import { EVALS_CLI, RUNNER_SUITE, tempDir } from "./helpers/runner.js";

/**
 * Traces of a real `evals run` (the built CLI, the real agent, the offline oracle): into a real
 * Jaeger when there is one (`eval "$(bash scripts/services.sh)"` starts it and exports
 * JAEGER_URL), on stderr with `--otel console`, and into a closed port, where the run must pass
 * all the same.
 */

const JAEGER_URL = process.env.JAEGER_URL;
const JAEGER_OTLP = process.env.JAEGER_OTLP_ENDPOINT ?? "http://127.0.0.1:4318";
const RUN = ["run", "--model", "oracle", "--suite", RUNNER_SUITE, "-x", "adder", "--json", "--keep-workspaces"];

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** One EVALS_HOME for the file: the tests run one after another, and a new database costs seconds. */
let home: string;
beforeAll(() => {
	home = tempDir("tracing-home");
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `evals ...args` with the file's home and no tracing variables but the ones given. */
function evals(args: string[], env: Record<string, string> = {}): Promise<Result> {
	const childEnv: NodeJS.ProcessEnv = { ...process.env, EVALS_HOME: home, ...env };
	for (const name of Object.keys(childEnv)) {
		if ((name.startsWith("OTEL_") || name === "EVALS_OTEL") && !(name in env)) delete childEnv[name];
	}
	for (const name of ["DATABASE_URL", "REDIS_URL", "EVALS_DEBUG"]) delete childEnv[name];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [EVALS_CLI, ...args], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
			stdout += chunk;
		});
		child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
			stderr += chunk;
		});
		const timer = setTimeout(() => child.kill("SIGKILL"), 170_000);
		child.on("error", reject);
		child.on("close", (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

const said = (result: Result) => `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

function passedRun(result: Result): number {
	expect(result.code, said(result)).toBe(0);
	const report = JSON.parse(result.stdout) as { runId: number; passed: number; total: number };
	expect(report, said(result)).toMatchObject({ passed: 1, total: 1 });
	return report.runId;
}

/** The trace id stored with the run's only task (the process has exited: the database is free). */
async function storedTraceId(runId: number): Promise<string | null> {
	const database = await openDatabase({ evalsHome: home });
	try {
		const [task] = (await new Store(database).tasks.summaries(runId)).tasks;
		return task?.traceId ?? null;
	} finally {
		await database.close();
	}
}

/** The log of the run's (kept) warm agent: the run has one task, so one agent. */
function agentLog(runId: number): string {
	const work = join(home, "work");
	const pool = readdirSync(work).find((name) => name.startsWith(`run${runId}-agents-`));
	if (!pool) throw new Error(`no agents' folder of run ${runId} in ${work}`);
	const [agent] = readdirSync(join(work, pool));
	if (!agent) throw new Error(`no agent in ${join(work, pool)}`);
	return readFileSync(join(work, pool, agent, "storage", "logs", "evals-agent.log"), "utf8");
}

async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

describe("evals run --otel: mistakes", () => {
	it("a bad mode or endpoint is a one-line usage error before anything runs", { timeout: 60_000 }, async () => {
		for (const [args, env, message] of [
			[["--otel", "zipkin"], {}, "evals: invalid otel: must be one of off, otlp, jaeger, console\n"],
			[[], { EVALS_OTEL: "bogus" }, 'evals: EVALS_OTEL is "bogus": use one of off, otlp, jaeger, console.\n'],
			[
				["--otel", "otlp"],
				{ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" },
				'evals: OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (OTLP over HTTP), not "localhost:4318".\n',
			],
		] as const) {
			const result = await evals([...RUN, ...args], env);
			expect(result.code, said(result)).toBe(2);
			expect(result.stderr).toBe(message);
			expect(result.stdout).toBe("");
		}
	});
});

describe("evals run --otel: without a collector", () => {
	it("console: the runner's spans on stderr, one trace, stdout still the JSON report", {
		timeout: 180_000,
	}, async () => {
		const result = await evals([...RUN, "--otel", "console"]);
		const runId = passedRun(result);
		const lines = result.stderr.split("\n").filter((line) => line.startsWith("otel "));
		const spans = lines.map((line) => {
			const [, traceId, spanId, , parent, name] = line.split(" ");
			return { traceId, spanId, parent, name };
		});
		expect(spans.map((span) => span.name).sort()).toEqual(
			["evals.agent", "evals.agent_start", "evals.grading", "evals.run", "evals.task", "evals.workspace"].sort(),
		);
		const traceId = await storedTraceId(runId);
		expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
		const id = (name: string) => spans.find((span) => span.name === name)?.spanId;
		expect(spans.find((span) => span.name === "evals.run")?.parent).toBe("root");
		expect(spans.find((span) => span.name === "evals.task")?.parent).toBe(id("evals.run"));
		// Console output is the runner's: the agent exports over OTLP only, and there is no endpoint.
		expect(agentLog(runId)).not.toMatch(/tracing to/);
	});

	it("an unreachable collector costs one warning line, never the task", { timeout: 180_000 }, async () => {
		const port = await closedPort();
		const result = await evals([...RUN, "--otel", "otlp"], { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
		const runId = passedRun(result);
		expect(result.stderr, said(result)).toBe(
			`evals: tracing: cannot send spans to http://127.0.0.1:${port}/v1/traces (connect ECONNREFUSED 127.0.0.1:${port}); tasks go on without them\n`,
		);
		expect(await storedTraceId(runId)).toMatch(/^[0-9a-f]{32}$/);
		const log = agentLog(runId);
		expect(log).toContain(`tracing to http://127.0.0.1:${port}/v1/traces`);
		expect(log.match(/cannot send spans/g)).toHaveLength(1);
	});
});

interface JaegerSpan {
	spanID: string;
	operationName: string;
	startTime: number;
	processID: string;
	references: { refType: string; spanID: string }[];
	tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
	spans: JaegerSpan[];
	processes: Record<string, { serviceName: string }>;
}

/** Polls Jaeger's query API until the trace holds every span `ready` asks for (ingestion lags). */
async function jaegerTrace(traceId: string, ready: (trace: JaegerTrace) => boolean): Promise<JaegerTrace> {
	const until = Date.now() + 30_000;
	let last = "";
	for (;;) {
		const response = await fetch(`${JAEGER_URL}/api/traces/${traceId}`).catch((error: Error) => error);
		if (!(response instanceof Error) && response.ok) {
			const body = (await response.json()) as { data: JaegerTrace[] };
			const trace = body.data[0];
			if (trace && ready(trace)) return trace;
			last = JSON.stringify(trace?.spans.map((span) => span.operationName));
		} else {
			last = response instanceof Error ? response.message : `HTTP ${response.status}`;
		}
		if (Date.now() > until) throw new Error(`trace ${traceId} incomplete in Jaeger after 30 s: ${last}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

describe.skipIf(!JAEGER_URL)(
	JAEGER_URL
		? "evals run --otel otlp into Jaeger"
		: 'evals run --otel otlp into Jaeger: skipped: no JAEGER_URL (start Jaeger with `eval "$(bash scripts/services.sh)"`)',
	() => {
		it("one trace per task across both processes: evals.run → evals.task → phases, the agent's turns under evals.agent", {
			timeout: 180_000,
		}, async () => {
			const result = await evals([...RUN, "--otel", "otlp"], { OTEL_EXPORTER_OTLP_ENDPOINT: JAEGER_OTLP });
			const runId = passedRun(result);
			expect(result.stderr).toBe("");
			const traceId = await storedTraceId(runId);
			expect(traceId).toMatch(/^[0-9a-f]{32}$/);
			const names = (trace: JaegerTrace) => new Set(trace.spans.map((span) => span.operationName));
			const trace = await jaegerTrace(traceId ?? "", (found) =>
				[
					"evals.run",
					"evals.task",
					"evals.workspace",
					"evals.agent_start",
					"evals.agent",
					"evals.grading",
					"agent.turn",
					"ai.streamText.doStream",
					"execute_tool write_to_file",
					"execute_tool attempt_completion",
				].every((name) => names(found).has(name)),
			);

			const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
			const parentOf = (span: JaegerSpan) => {
				const ref = span.references.find((each) => each.refType === "CHILD_OF");
				return ref ? byId.get(ref.spanID) : undefined;
			};
			const service = (span: JaegerSpan) => trace.processes[span.processID]?.serviceName;
			const tag = (span: JaegerSpan, key: string) => span.tags.find((each) => each.key === key)?.value;
			// In the order they started: Jaeger lists them in no particular order.
			const all = (name: string) =>
				trace.spans.filter((span) => span.operationName === name).sort((a, b) => a.startTime - b.startTime);
			const one = (name: string) => {
				const [span, ...more] = all(name);
				if (!span || more.length > 0) throw new Error(`expected one ${name}, got ${all(name).length}`);
				return span;
			};

			const run = one("evals.run");
			const task = one("evals.task");
			expect(parentOf(run)).toBeUndefined();
			expect(run.references).toEqual([]);
			expect(parentOf(task)).toBe(run);
			for (const phase of ["evals.workspace", "evals.agent_start", "evals.agent", "evals.grading"]) {
				expect(parentOf(one(phase)), phase).toBe(task);
			}
			for (const span of [run, task, one("evals.agent")]) expect(service(span)).toBe("evals");

			// The agent's spans: another process, the same trace, parents in the runner's evals.agent.
			const turns = all("agent.turn");
			expect(turns.map((turn) => tag(turn, "agent.turn.number"))).toEqual([1, 2]);
			for (const turn of turns) {
				expect(service(turn)).toBe("evals-agent");
				expect(parentOf(turn)).toBe(one("evals.agent"));
			}
			const write = one("execute_tool write_to_file");
			expect(turns).toContain(parentOf(write));
			expect(tag(write, "gen_ai.tool.name")).toBe("write_to_file");
			// The model call: the AI SDK's own spans, under the turn that made it.
			const model = all("ai.streamText.doStream")[0];
			if (!model) throw new Error("no model span");
			const call = parentOf(model);
			expect(call?.operationName).toBe("ai.streamText");
			expect(turns).toContain(call && parentOf(call));
			expect(tag(model, "gen_ai.system")).toBe("oracle");
			expect(tag(model, "gen_ai.request.model")).toBe("oracle");
			expect(tag(model, "gen_ai.usage.input_tokens")).toBe(0);
			expect(tag(model, "gen_ai.usage.output_tokens")).toBe(0);

			// Every span of the task says which run and task it belongs to, in both processes.
			const taskId = tag(task, "eval.task_id");
			expect(taskId).toEqual(expect.any(Number));
			for (const span of trace.spans) {
				expect(tag(span, "eval.run_id"), span.operationName).toBe(runId);
				if (span !== run) expect(tag(span, "eval.task_id"), span.operationName).toBe(taskId);
			}
		});
	},
);
