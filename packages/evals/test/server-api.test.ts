import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
	apiErrorSchema,
	exerciseListResponseSchema,
	healthResponseSchema,
	runDetailResponseSchema,
	runListResponseSchema,
	runMcpResponseSchema,
	runReportSchema,
	taskDetailSchema,
	taskListResponseSchema,
} from "@agent-evals/types";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundledSuitePath } from "../src/run/defaults.js";
import { checkBinding, ServerConfigError, startServer } from "../src/server/index.js";
import { RUNNER_SUITE, tempDir } from "./helpers/runner.js";
import { apiHarness, liveHarness, type Reply, sleep } from "./helpers/server.js";

type Api = Awaited<ReturnType<typeof apiHarness>>;

// Opening an in-memory PGlite takes seconds: tests share one server unless they need their own.
let shared: Api;
beforeAll(async () => {
	shared = await apiHarness();
});
afterAll(async () => {
	await shared?.close();
});

let own: Api | undefined;
afterEach(async () => {
	await own?.close();
	own = undefined;
});

const errorOf = (reply: Reply) => apiErrorSchema.parse(reply.body).error;
const slowScript = { model: "scripted", settings: { script: [{ delayMs: 60_000 }] } };

async function createRun(a: Api, body: unknown): Promise<number> {
	const reply = await a.call("POST", "/api/runs", { body });
	expect(reply.status, reply.text).toBe(201);
	const { id } = reply.body as { id: number };
	return id;
}

async function waitForTask(a: Api, taskId: number, status: string): Promise<void> {
	const until = Date.now() + 30_000;
	while ((await a.store.tasks.get(taskId))?.status !== status) {
		if (Date.now() > until) throw new Error(`task ${taskId} never became ${status}`);
		await sleep(50);
	}
}

describe("HTTP API", () => {
	it("reports health: store and bus kinds", async () => {
		const api = shared;
		const reply = await api.call("GET", "/api/health");
		expect(reply.status).toBe(200);
		expect(healthResponseSchema.parse(reply.body)).toEqual({ ok: true, store: "pglite", bus: "memory" });
		// Same-origin only: never a CORS header.
		expect(reply.headers.get("access-control-allow-origin")).toBeNull();
	});

	it("creates an oracle run that executes in the background and finishes with every view filled in", async () => {
		const api = shared;
		const id = await createRun(api, { model: "oracle", exercises: ["python/adder"], concurrency: 2 });
		const detail = await api.waitForRun(id);
		expect(detail.run).toMatchObject({
			id,
			status: "completed",
			model: "oracle",
			provider: "oracle",
			agent: "builtin",
			suite: RUNNER_SUITE,
			concurrency: 2,
			timeoutMinutes: 5,
			iterations: 1,
			commandTimeoutSeconds: 120,
			passed: 1,
			failed: 0,
			total: 1,
			running: 0,
			pending: 0,
			passRate: 1,
		});
		expect(detail.run.toolUsage).toMatchObject({ write_to_file: { attempts: 1, failures: 0 } });
		expect(detail.run.durationMs).toBeGreaterThan(0);
		expect(detail.elapsedMs).toBe(detail.run.durationMs);
		expect(detail.etaMs).toBeNull();
		expect(detail.run.settings).toMatchObject({ apiProvider: "oracle" });

		const list = runListResponseSchema.parse((await api.call("GET", "/api/runs")).body);
		expect(list.runs.find((run) => run.id === id)).toMatchObject({ passed: 1, passRate: 1, status: "completed" });

		const tasks = taskListResponseSchema.parse((await api.call("GET", `/api/runs/${id}/tasks`)).body);
		expect(tasks.total).toBe(1);
		const [task] = tasks.tasks;
		expect(task).toMatchObject({
			runId: id,
			language: "python",
			exercise: "adder",
			iteration: 1,
			status: "passed",
			passed: true,
			failureKind: null,
			attempt: 1,
			testsTampered: false,
			error: null,
		});
		expect(task?.durationMs).toBeGreaterThan(0);

		const taskDetail = taskDetailSchema.parse((await api.call("GET", `/api/tasks/${task?.id}`)).body);
		expect(taskDetail.testOutput).toMatch(/3 passed/);
		expect(taskDetail.workspaceDiff).toMatch(/\+\s+return a \+ b/);
		expect(taskDetail.phaseTimings).toHaveProperty("gradeMs");
		expect(taskDetail.messages.length).toBeGreaterThan(0);
		// Final versions only, one per message.
		expect(taskDetail.messages.some((message) => message.partial === true)).toBe(false);
		expect(new Set(taskDetail.messages.map((message) => message.ts)).size).toBe(taskDetail.messages.length);
		expect(taskDetail.toolErrors).toEqual([]);
		expect(taskDetail.mcpCalls).toEqual([]);
		// A run without MCP servers has an empty MCP view (not an error).
		const mcp = runMcpResponseSchema.parse((await api.call("GET", `/api/runs/${id}/mcp`)).body);
		expect(mcp).toEqual({ servers: [], tasks: [] });
	});

	it("starts the smoke selection for an empty body", async () => {
		const api = shared;
		const reply = await api.call("POST", "/api/runs");
		expect(reply.status).toBe(201);
		const { id, total } = reply.body as { id: number; total: number };
		expect(total).toBe(1);
		await api.waitForRun(id);
	});

	it("rejects bad run configs with 400 and the precise reason", async () => {
		const api = shared;
		const runsBefore = runListResponseSchema.parse((await api.call("GET", "/api/runs")).body).total;
		const unknown = await api.call("POST", "/api/runs", { body: { exercises: ["python/addr"] } });
		expect(unknown.status).toBe(400);
		expect(errorOf(unknown)).toMatchObject({ code: "bad_request" });
		expect(errorOf(unknown).message).toMatch(/unknown exercise "python\/addr" \(did you mean "python\/adder"\?\)/);

		const model = await api.call("POST", "/api/runs", { body: { model: "nonsense:gpt" } });
		expect(model.status).toBe(400);
		expect(errorOf(model).message).toMatch(/Unknown provider "nonsense"/);

		const bare = await api.call("POST", "/api/runs", { body: { model: "gpt-4o" } });
		expect(errorOf(bare).message).toMatch(/Invalid model "gpt-4o": use provider:model/);

		const concurrency = await api.call("POST", "/api/runs", { body: { concurrency: 30 } });
		expect(concurrency.status).toBe(400);
		expect(errorOf(concurrency).issues).toEqual([{ path: "concurrency", message: "must be at most 25" }]);
		expect(errorOf(concurrency).message).toBe("Invalid request body: concurrency: must be at most 25");

		const extra = await api.call("POST", "/api/runs", { body: { model: "oracle", colour: "blue" } });
		expect(extra.status).toBe(400);
		expect(errorOf(extra).issues?.[0]?.message).toMatch(/colour/);

		const language = await api.call("POST", "/api/runs", { body: { include: ["cobol"] } });
		expect(errorOf(language).issues?.[0]).toMatchObject({ path: "include.0" });

		const agent = await api.call("POST", "/api/runs", { body: { agent: "copilot" } });
		expect(errorOf(agent).message).toMatch(/Unknown agent "copilot"/);

		const suite = await api.call("POST", "/api/runs", { body: { suite: join(bundledSuitePath(), "nonexistent") } });
		expect(suite.status).toBe(400);
		expect(errorOf(suite).message).toMatch(/does not exist/);

		const malformed = await api.call("POST", "/api/runs", {
			raw: "{not json",
			headers: { "content-type": "application/json" },
		});
		expect(malformed.status).toBe(400);
		expect(errorOf(malformed).message).toMatch(/not valid JSON/);

		// A form post from another site cannot pass as JSON.
		const form = await api.call("POST", "/api/runs", {
			raw: '{"model":"oracle"}',
			headers: { "content-type": "text/plain" },
		});
		expect(form.status).toBe(400);
		expect(errorOf(form).message).toMatch(/Content-Type: application\/json/);

		const huge = await api.call("POST", "/api/runs", {
			body: { description: "x".repeat(1024 * 1024 + 1) },
		});
		expect(huge.status).toBe(400);
		expect(errorOf(huge).message).toMatch(/larger than 1 MB/);

		expect(runListResponseSchema.parse((await api.call("GET", "/api/runs")).body).total).toBe(runsBefore);
	});

	it("validates ids and queries, and answers 404 for what does not exist", async () => {
		const api = shared;
		for (const path of [
			"/api/runs/999",
			"/api/runs/999/tasks",
			"/api/runs/999/mcp",
			"/api/tasks/999",
			"/api/runs/999/export?format=csv",
		]) {
			const reply = await api.call("GET", path);
			expect(reply.status, path).toBe(404);
			expect(errorOf(reply).code).toBe("not_found");
		}
		expect((await api.call("DELETE", "/api/runs/999")).status).toBe(404);
		expect((await api.call("GET", "/api/compare?runs=998,999")).status).toBe(404);
		const oneRun = await api.call("GET", "/api/compare?runs=12");
		expect(oneRun.status).toBe(400);
		expect(errorOf(oneRun).issues).toEqual([{ path: "runs", message: "name at least two runs, e.g. 12,13" }]);
		expect((await api.call("GET", "/api/compare?runs=12,x")).status).toBe(400);
		expect((await api.call("POST", "/api/runs/999/cancel")).status).toBe(404);
		expect((await api.call("POST", "/api/tasks/999/cancel")).status).toBe(404);
		expect((await api.call("POST", "/api/tasks/999/requeue")).status).toBe(404);
		expect((await api.call("GET", "/api/runs/999/stream")).status).toBe(404);
		expect((await api.call("GET", "/api/runs/999/logs/failed")).status).toBe(404);

		const notId = await api.call("GET", "/api/runs/abc");
		expect(notId.status).toBe(400);
		expect(errorOf(notId).issues).toEqual([{ path: "id", message: "must be a positive whole number" }]);

		const limit = await api.call("GET", "/api/runs?limit=0&sort=colour&since=yesterday");
		expect(limit.status).toBe(400);
		expect(
			errorOf(limit)
				.issues?.map((issue) => issue.path)
				.sort(),
		).toEqual(["limit", "since", "sort"]);
		expect((await api.call("GET", "/api/runs?limit=201")).status).toBe(400);
		expect((await api.call("GET", "/api/runs?status=done")).status).toBe(400);
		expect((await api.call("GET", "/api/runs/1/export?format=pdf")).status).toBe(400);
		expect((await api.call("GET", "/api/runs/1/stream", { headers: { "last-event-id": "x" } })).status).toBe(400);

		const route = await api.call("GET", "/api/nothing-here");
		expect(route.status).toBe(404);
		expect(errorOf(route).message).toMatch(/No route for GET \/api\/nothing-here/);
	});

	it("filters, sorts and pages the run list", async () => {
		const api = shared;
		const { store } = api;
		// Only this test's runs: the earlier tests' runs have all finished.
		for (const run of await store.runs.list({ limit: 1000 })) await store.runs.delete(run.id);
		const make = async (model: string, provider: string, outcomes: ("passed" | "failed")[], cost: number) => {
			const run = await store.runs.create({ model, provider, agent: "builtin", suite: RUNNER_SUITE });
			const tasks = await store.tasks.create(
				run.id,
				outcomes.map((_, i) => ({ language: "python", exercise: `e${i}`, iteration: 1 })),
			);
			for (const [i, task] of tasks.entries()) {
				await store.tasks.update(task.id, { status: outcomes[i], passed: outcomes[i] === "passed" });
				await store.metrics.save(task.id, {
					tokensIn: 10,
					tokensOut: 5,
					tokensContext: 0,
					cacheWrites: 0,
					cacheReads: 0,
					cost: cost / tasks.length,
					duration: 1000,
					toolUsage: { read_file: { attempts: 2, failures: 1 } },
				});
			}
			await store.runs.update(run.id, { startedAt: new Date(Date.now() - 5000) });
			return (await store.runs.finish(run.id, "completed")).id;
		};
		const a = await make("anthropic:claude-sonnet-4-5", "anthropic", ["passed", "passed"], 0.5);
		const b = await make("openai:gpt-4o", "openai", ["passed", "failed"], 2);
		const c = await make("openai:gpt-4o-mini", "openai", ["failed"], 0.1);
		const pending = (await store.runs.create({ model: "oracle", provider: "oracle", suite: RUNNER_SUITE })).id;

		const list = async (query: string) =>
			runListResponseSchema.parse((await api.call("GET", `/api/runs${query}`)).body);
		expect((await list("")).runs.map((run) => run.id)).toEqual([pending, c, b, a]);
		expect((await list("?sort=passRate&order=desc")).runs.map((run) => run.id)).toEqual([a, b, c, pending]);
		expect((await list("?sort=passRate&order=asc")).runs.map((run) => run.id)).toEqual([c, b, a, pending]);
		expect((await list("?sort=cost&order=desc")).runs.map((run) => run.id)).toEqual([b, a, c, pending]);
		expect((await list("?sort=model&order=asc")).runs.map((run) => run.model)).toEqual([
			"anthropic:claude-sonnet-4-5",
			"openai:gpt-4o",
			"openai:gpt-4o-mini",
			"oracle",
		]);
		expect((await list("?sort=duration")).runs.at(-1)?.id).toBe(pending);
		expect((await list("?provider=openai")).runs.map((run) => run.id)).toEqual([c, b]);
		expect((await list("?model=openai:gpt-4o")).runs.map((run) => run.id)).toEqual([b]);
		expect((await list("?status=pending")).runs.map((run) => run.id)).toEqual([pending]);
		expect((await list("?status=pending,completed")).total).toBe(4);
		expect((await list("?since=2999-01-01")).total).toBe(0);
		expect((await list("?since=2000-01-01T00:00:00Z")).total).toBe(4);

		const page = await list("?limit=2&offset=1");
		expect(page).toMatchObject({ total: 4 });
		expect(page.runs.map((run) => run.id)).toEqual([c, b]);

		const summary = (await list(`?model=openai:gpt-4o`)).runs[0];
		expect(summary).toMatchObject({
			passed: 1,
			failed: 1,
			total: 2,
			passRate: 0.5,
			tokensIn: 20,
			tokensOut: 10,
			toolUsage: { read_file: { attempts: 4, failures: 2 } },
		});
		expect(summary?.cost).toBeCloseTo(2);
		expect(summary?.durationMs).toBeGreaterThanOrEqual(5000);
		const none = (await list("?status=pending")).runs[0];
		expect(none).toMatchObject({ passRate: null, durationMs: null, startedAt: null, total: 0, toolUsage: {} });
	});

	it("refuses to delete a running run (409), cancels it (202), then deletes it (204)", async () => {
		const api = shared;
		const id = await createRun(api, slowScript);
		const [task] = await api.store.tasks.list(id);
		await waitForTask(api, task?.id ?? -1, "running");

		const refused = await api.call("DELETE", `/api/runs/${id}`);
		expect(refused.status).toBe(409);
		expect(errorOf(refused)).toMatchObject({ code: "conflict" });
		expect(errorOf(refused).message).toMatch(/cancel it first/);

		const running = runDetailResponseSchema.parse((await api.call("GET", `/api/runs/${id}`)).body);
		expect(running.run).toMatchObject({ status: "running", running: 1 });
		expect(running.etaMs).toBeNull();
		expect(running.elapsedMs).toBeGreaterThan(0);

		const cancel = await api.call("POST", `/api/runs/${id}/cancel`);
		expect(cancel.status).toBe(202);
		expect(cancel.body).toEqual({ status: "cancelled" });
		const over = await api.waitForRun(id);
		expect(over.run).toMatchObject({ status: "cancelled", cancelled: 1, running: 0 });

		expect((await api.call("DELETE", `/api/runs/${id}`)).status).toBe(204);
		expect((await api.call("GET", `/api/runs/${id}`)).status).toBe(404);
		expect(await api.store.tasks.get(task?.id ?? -1)).toBeUndefined();
	});

	it("cancels one running task and one pending task while the rest of the run carries on", async () => {
		const api = shared;
		const id = await createRun(api, { ...slowScript, iterations: 3, concurrency: 2 });
		const [first, second, third] = await api.store.tasks.list(id);
		await waitForTask(api, first?.id ?? -1, "running");
		await waitForTask(api, second?.id ?? -1, "running");

		// Pending (the queue holds it behind the two running ones): cancelled without ever starting.
		const pending = await api.call("POST", `/api/tasks/${third?.id}/cancel`);
		expect(pending.status).toBe(202);
		expect(pending.body).toEqual({ id: third?.id, status: "cancelled" });

		const began = Date.now();
		const running = await api.call("POST", `/api/tasks/${first?.id}/cancel`);
		expect(running.status).toBe(202);
		await waitForTask(api, first?.id ?? -1, "cancelled");
		expect(Date.now() - began).toBeLessThan(15_000);
		// The other task and the run are untouched.
		expect((await api.store.tasks.get(second?.id ?? -1))?.status).toBe("running");
		expect((await api.store.runs.get(id))?.status).toBe("running");
		await sleep(300);
		expect((await api.store.tasks.get(third?.id ?? -1))?.startedAt).toBeNull();

		const again = await api.call("POST", `/api/tasks/${first?.id}/cancel`);
		expect(again.status).toBe(409);
		expect(errorOf(again).message).toMatch(/already finished/);

		await api.call("POST", `/api/tasks/${second?.id}/cancel`);
		const over = await api.waitForRun(id);
		// Cancelling tasks one by one is not cancelling the run.
		expect(over.run).toMatchObject({ status: "completed", cancelled: 3, passed: 0, failed: 0 });
		const task = (await api.store.tasks.list(id))[0];
		expect(task).toMatchObject({ status: "cancelled", failureKind: "cancelled" });
	});

	it("requeues a finished task: the run executes again and the task gets a new verdict", async () => {
		const api = shared;
		const id = await createRun(api, { model: "oracle" });
		await api.waitForRun(id);
		const [task] = await api.store.tasks.list(id);
		const taskId = task?.id ?? -1;
		expect(task).toMatchObject({ status: "passed", attempt: 1 });

		const reply = await api.call("POST", `/api/tasks/${taskId}/requeue`);
		expect(reply.status).toBe(202);
		expect(reply.body).toEqual({ id: taskId, status: "pending" });
		const again = await api.waitForRun(id, (detail) => detail.run.status === "completed" && detail.run.passed === 1);
		expect(again.run.total).toBe(1);
		const rerun = await api.store.tasks.get(taskId);
		expect(rerun).toMatchObject({ status: "passed", passed: true, attempt: 2 });
		expect(rerun?.testOutput).toMatch(/3 passed/);

		// A task still waiting or running has nothing to requeue.
		const slow = await createRun(api, slowScript);
		const [busy] = await api.store.tasks.list(slow);
		await waitForTask(api, busy?.id ?? -1, "running");
		const conflict = await api.call("POST", `/api/tasks/${busy?.id}/requeue`);
		expect(conflict.status).toBe(409);
		expect(errorOf(conflict).message).toMatch(/running, not finished/);
		await api.call("POST", `/api/runs/${slow}/cancel`);
		await api.waitForRun(slow);
	});

	it("requeues a task of a run that is still executing: it runs in one more pass", async () => {
		const api = shared;
		const { store } = api;
		// Two tasks, one at a time: the first passes, the second is slow; requeue the first meanwhile.
		const run = await store.runs.create({
			model: "oracle",
			provider: "oracle",
			suite: RUNNER_SUITE,
			settings: { apiProvider: "oracle", apiModelId: "oracle" },
			concurrency: 1,
			iterations: 2,
		});
		const [first, second] = await store.tasks.create(run.id, [
			{ language: "python", exercise: "adder", iteration: 1 },
			{ language: "python", exercise: "adder", iteration: 2 },
		]);
		api.deps.executor.start(run.id);
		await waitForTask(api, first?.id ?? -1, "passed");
		await waitForTask(api, second?.id ?? -1, "running");
		expect((await api.call("POST", `/api/tasks/${first?.id}/requeue`)).status).toBe(202);
		const detail = await api.waitForRun(
			run.id,
			(d) => d.run.status === "completed" && d.run.passed === 2 && d.run.pending === 0,
		);
		expect(detail.run.total).toBe(2);
		expect((await store.tasks.get(first?.id ?? -1))?.attempt).toBe(2);
	});

	it("exports a run as CSV, JSON and JUnit, and its failed tasks' logs as a zip", async () => {
		const api = shared;
		const wrong = { name: "write_to_file", input: { path: "adder.py", content: "def add(a, b):\n    return a - b\n" } };
		const done = { name: "attempt_completion", input: { result: "done" } };
		const id = await createRun(api, {
			model: "scripted",
			settings: { script: [{ toolCalls: [wrong] }, { toolCalls: [done] }] },
			iterations: 2,
		});
		await api.waitForRun(id);
		const [failedTask, other] = await api.store.tasks.list(id);
		expect(failedTask).toMatchObject({ status: "failed", failureKind: "test_failed" });
		// One of each verdict, and an error text that needs quoting (and looks like a formula).
		await api.store.tasks.update(other?.id ?? -1, { status: "passed", passed: true, failureKind: null, error: null });
		const tricky = '=HYPERLINK("x"), with "quotes"\nand a second line <&>';
		await api.store.tasks.update(failedTask?.id ?? -1, { error: tricky });

		const csv = await api.call("GET", `/api/runs/${id}/export?format=csv`);
		expect(csv.status).toBe(200);
		expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
		expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="run-${id}.csv"`);
		const rows = parseCsv(csv.text);
		const header = rows[0] ?? [];
		expect(header.slice(0, 8)).toEqual([
			"taskId",
			"runId",
			"language",
			"exercise",
			"iteration",
			"status",
			"passed",
			"failureKind",
		]);
		expect(rows).toHaveLength(3);
		const cell = (row: string[] | undefined, name: string) => row?.[header.indexOf(name)];
		expect(cell(rows[1], "status")).toBe("failed");
		expect(cell(rows[1], "failureKind")).toBe("test_failed");
		expect(cell(rows[1], "error")).toBe(`'${tricky}`);
		expect(cell(rows[2], "passed")).toBe("true");
		// One try each: the first try's verdict is the task's.
		expect(cell(rows[1], "tries")).toBe("1");
		expect(cell(rows[1], "passedAtTry")).toBe("");
		expect(Number(cell(rows[1], "tokensIn"))).toBeGreaterThanOrEqual(0);

		const json = await api.call("GET", `/api/runs/${id}/export?format=json`);
		expect(json.headers.get("content-disposition")).toBe(`attachment; filename="run-${id}.json"`);
		expect(runReportSchema.parse(json.body)).toMatchObject({ runId: id, passed: 1, failed: 1, total: 2 });

		const junit = await api.call("GET", `/api/runs/${id}/export?format=junit`);
		expect(junit.headers.get("content-type")).toMatch(/^application\/xml/);
		const root = parseXml(junit.text);
		expect(root).toMatchObject({ name: "testsuites", attributes: { tests: "2", failures: "1" } });
		const [suite] = root.children;
		expect(suite).toMatchObject({ name: "testsuite", attributes: { name: "python", tests: "2", failures: "1" } });
		const [failing, passing] = suite?.children ?? [];
		expect(failing).toMatchObject({ name: "testcase", attributes: { classname: "python", name: "adder" } });
		expect(failing?.children[0]).toMatchObject({
			name: "failure",
			attributes: { type: "test_failed", message: '=HYPERLINK("x"), with "quotes"' },
			text: tricky,
		});
		expect(passing).toMatchObject({ attributes: { name: "adder #2" }, children: [] });

		const zip = await api.app.request(`/api/runs/${id}/logs/failed`);
		expect(zip.status).toBe(200);
		expect(zip.headers.get("content-type")).toBe("application/zip");
		expect(zip.headers.get("content-disposition")).toBe(`attachment; filename="run-${id}-failed-logs.zip"`);
		const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
		const folder = `python-adder-task${failedTask?.id}`;
		expect(Object.keys(files).sort()).toEqual(
			["diff.patch", "error.txt", "messages.json", "test-output.txt"].map((name) => `${folder}/${name}`),
		);
		const messages = JSON.parse(strFromU8(files[`${folder}/messages.json`] ?? new Uint8Array()));
		expect(messages.length).toBeGreaterThan(0);
		expect(strFromU8(files[`${folder}/test-output.txt`] ?? new Uint8Array())).toMatch(/failed/);
		expect(strFromU8(files[`${folder}/diff.patch`] ?? new Uint8Array())).toMatch(/-\s+pass|\+\s+return a - b/);
		expect(strFromU8(files[`${folder}/error.txt`] ?? new Uint8Array())).toBe(`failure kind: test_failed\n\n${tricky}`);
	});

	it("lists the exercises of the default, a given, and a missing suite", async () => {
		const api = shared;
		const fixture = exerciseListResponseSchema.parse((await api.call("GET", "/api/exercises")).body);
		expect(fixture).toMatchObject({
			suite: RUNNER_SUITE,
			layout: "agent-evals",
			exercises: [{ language: "python", exercise: "adder", reference: true }],
		});
		const bundled = exerciseListResponseSchema.parse(
			(await api.call("GET", `/api/exercises?suite=${encodeURIComponent(bundledSuitePath())}`)).body,
		);
		expect(bundled.exercises.length).toBeGreaterThanOrEqual(25);
		expect(bundled.exercises).toContainEqual({
			language: "python",
			exercise: "roman-numerals",
			difficulty: expect.any(String),
			reference: true,
		});
		const missing = await api.call(
			"GET",
			`/api/exercises?suite=${encodeURIComponent(join(bundledSuitePath(), "nonexistent"))}`,
		);
		expect(missing.status).toBe(400);
		expect(errorOf(missing).message).toMatch(/does not exist/);
	});
});

describe("access", () => {
	const token = "0123456789abcdef0123456789abcdef";

	it("asks for the token on every API request when one is configured, and takes it as Bearer or ?token=", async () => {
		const api = await apiHarness({ token });
		own = api;
		const without = await api.call("GET", "/api/runs");
		expect(without.status).toBe(401);
		expect(errorOf(without)).toMatchObject({ code: "unauthorized" });
		expect(without.headers.get("www-authenticate")).toMatch(/^Bearer/);
		const wrong = await api.call("GET", "/api/health", { headers: { authorization: "Bearer nope" } });
		expect(wrong.status).toBe(401);
		expect(errorOf(wrong).message).toBe("The token is not valid.");
		expect((await api.call("POST", "/api/runs", { body: {} })).status).toBe(401);
		expect((await api.call("GET", "/api/runs/1/stream")).status).toBe(401);

		expect((await api.call("GET", "/api/health", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
		expect((await api.call("GET", `/api/health?token=${token}`)).status).toBe(200);
		// The SPA itself holds no data: it loads without the token, then sends it.
		expect((await api.call("GET", "/")).status).toBe(200);
	});

	it("without a token, refuses requests that name a foreign host (DNS rebinding) or come from another site", async () => {
		const api = shared;
		const rebinding = await api.app.request("http://evil.example:3446/api/runs");
		expect(rebinding.status).toBe(401);
		const crossSite = await api.call("POST", "/api/runs", {
			body: {},
			headers: { origin: "https://evil.example" },
		});
		expect(crossSite.status).toBe(401);
		expect(errorOf(crossSite).message).toMatch(/Cross-origin requests from https:\/\/evil.example are refused/);
		// The dashboard's dev server proxies from another loopback port: allowed.
		const devServer = await api.call("POST", "/api/runs/1/cancel", { headers: { origin: "http://localhost:5173" } });
		expect(devServer.status).toBe(404);
		expect((await api.call("GET", "/api/health", { headers: { origin: "https://evil.example" } })).status).toBe(200);
	});

	it("reports the port it bound, and names a port that is taken", async () => {
		const first = await liveHarness();
		try {
			expect(first.server.port).toBeGreaterThan(0);
			expect(first.url).toBe(`http://127.0.0.1:${first.server.port}`);
			const taken = startServer({
				store: first.store,
				bus: first.bus,
				controller: first.controller,
				storeKind: "pglite",
				port: first.server.port,
			});
			await expect(taken).rejects.toThrow(
				`Port ${first.server.port} on 127.0.0.1 is in use: choose another with --port.`,
			);
		} finally {
			await first.close();
		}
	});

	it("refuses to bind beyond loopback without a token", () => {
		expect(() => checkBinding("0.0.0.0", undefined)).toThrow(ServerConfigError);
		expect(() => checkBinding("0.0.0.0", undefined)).toThrow(/EVALS_API_TOKEN/);
		expect(() => checkBinding("192.168.1.5", "short")).toThrow(/too short/);
		expect(() => checkBinding("0.0.0.0", token)).not.toThrow();
		expect(() => checkBinding("127.0.0.1", undefined)).not.toThrow();
		expect(() => checkBinding("::1", undefined)).not.toThrow();
		expect(() => checkBinding("localhost", undefined)).not.toThrow();
	});
});

describe("dashboard files", () => {
	it("serves the built SPA with index.html for client-side routes, and says how to build it when absent", async () => {
		const dist = tempDir("web-dist");
		const api = await apiHarness({ webDist: dist });
		own = api;
		const missing = await api.call("GET", "/");
		expect(missing.status).toBe(200);
		expect(missing.text).toMatch(/npm run build -w @agent-evals\/web/);

		mkdirSync(join(dist, "assets"));
		writeFileSync(join(dist, "index.html"), "<!doctype html><title>dash</title>");
		writeFileSync(join(dist, "assets", "app-1234.js"), "console.log(1)");
		const index = await api.call("GET", "/");
		expect(index.text).toBe("<!doctype html><title>dash</title>");
		expect(index.headers.get("content-type")).toMatch(/text\/html/);
		expect((await api.call("GET", "/runs/12/tasks")).text).toBe("<!doctype html><title>dash</title>");
		const asset = await api.call("GET", "/assets/app-1234.js");
		expect(asset.headers.get("content-type")).toMatch(/javascript/);
		expect(asset.headers.get("cache-control")).toMatch(/immutable/);
		expect((await api.call("GET", "/assets/missing.js")).status).toBe(404);
		expect((await api.call("GET", "/..%2f..%2fpackage.json")).status).toBe(404);
		expect((await api.call("GET", "/%2e%2e/%2e%2e/package.json")).status).toBe(404);
		// /api never falls back to the SPA.
		expect((await api.call("GET", "/api/unknown")).status).toBe(404);
	});
});

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = "";
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (quoted) {
			if (char === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (char === '"') quoted = false;
			else field += char;
		} else if (char === '"') quoted = true;
		else if (char === ",") {
			row.push(field);
			field = "";
		} else if (char === "\r" && text[i + 1] === "\n") {
			row.push(field);
			rows.push(row);
			row = [];
			field = "";
			i++;
		} else field += char;
	}
	return rows;
}

interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	text: string;
}

/** Enough XML for JUnit reports: elements, attributes, text, the five entities; throws on bad nesting. */
function parseXml(source: string): XmlElement {
	const decode = (text: string) =>
		text
			.replaceAll("&lt;", "<")
			.replaceAll("&gt;", ">")
			.replaceAll("&quot;", '"')
			.replaceAll("&apos;", "'")
			.replaceAll("&amp;", "&");
	const body = source.replace(/^<\?xml[^>]*\?>\s*/, "");
	const stack: XmlElement[] = [{ name: "#document", attributes: {}, children: [], text: "" }];
	const token = /<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
	for (const match of body.matchAll(token)) {
		const [, closing, name, attrs, selfClosing, text] = match;
		const top = stack.at(-1);
		if (!top) throw new Error("unbalanced");
		if (text !== undefined) {
			top.text += decode(text);
			continue;
		}
		if (closing) {
			if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
			stack.pop();
			continue;
		}
		const attributes: Record<string, string> = {};
		for (const [, key, value] of (attrs ?? "").matchAll(/([\w:-]+)="([^"]*)"/g))
			attributes[key ?? ""] = decode(value ?? "");
		const element: XmlElement = { name: name ?? "", attributes, children: [], text: "" };
		top.children.push(element);
		if (!selfClosing) stack.push(element);
	}
	const [document] = stack;
	if (stack.length !== 1 || !document || document.children.length !== 1) throw new Error("not one root element");
	const [root] = document.children;
	if (!root) throw new Error("no root");
	return root;
}
