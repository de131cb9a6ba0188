import { type ObserverView, observerViewSchema, type RecommendationView } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import { liveHarness, type SseFrame, sleep, sseFrames } from "../helpers/server.js";
import { quickConfig, solve } from "./helpers.js";

/*
 * `--steering suggest` through the API, as the dashboard uses it: findings and recommendations
 * arrive as `observer` events on the run's stream, a person applies one (applied_by human) or
 * dismisses it, and a run paused at its budget is resumed with a new one.
 */

type Live = Awaited<ReturnType<typeof liveHarness>>;
let live: Live | undefined;
afterEach(async () => {
	await live?.close();
	live = undefined;
});

async function call(method: string, path: string, body?: unknown) {
	const response = await fetch(`${live?.url}${path}`, {
		method,
		headers: body === undefined ? {} : { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Reads the run's stream until an `observer` event satisfies `until`; returns that view. */
async function observerEvent(runId: number, until: (view: ObserverView) => boolean): Promise<ObserverView> {
	const abort = new AbortController();
	const timer = setTimeout(() => abort.abort(), 60_000);
	try {
		const response = await fetch(`${live?.url}/api/runs/${runId}/stream`, { signal: abort.signal });
		for await (const frame of sseFrames(response) as AsyncGenerator<SseFrame>) {
			if (frame.event !== "observer" || !frame.data) continue;
			const view = observerViewSchema.parse(JSON.parse(frame.data));
			if (until(view)) return view;
		}
		throw new Error("the stream ended without the observer event");
	} finally {
		clearTimeout(timer);
		abort.abort();
	}
}

const pending = (view: ObserverView) => view.recommendations.filter((r) => r.status === "pending");

describe("observer over the API with suggest steering", { timeout: 120_000 }, () => {
	it("refuses bad observer options in POST /api/runs with the path of the bad value", async () => {
		live = await liveHarness();
		const bad = await call("POST", "/api/runs", {
			observer: { level: "full", config: { runaway: { k: 0 } } },
		});
		expect(bad.status).toBe(400);
		expect(bad.body).toMatchObject({
			error: { code: "bad_request", issues: [{ path: "observer.config.runaway.k", message: "must be at least 1" }] },
		});
		const level = await call("POST", "/api/runs", { observer: { level: "everything" } });
		expect(level.body).toMatchObject({
			error: { issues: [{ path: "observer.level", message: "must be one of basic, full, autonomous" }] },
		});
		const model = await call("POST", "/api/runs", { observer: { level: "basic", model: "nope:x" } });
		expect(model).toMatchObject({
			status: 400,
			body: { error: { message: expect.stringMatching(/^observer model: Unknown provider "nope"/) } },
		});
	});

	it("streams findings live; a person applies one recommendation and dismisses another", async () => {
		live = await liveHarness();
		// Two tasks at once, each reading the same file again and again, slowly.
		const again = { toolCalls: [{ name: "read_file", input: { path: "adder.py" } }], delayMs: 300 };
		const created = await call("POST", "/api/runs", {
			model: "scripted",
			settings: { script: [...Array.from({ length: 60 }, () => again), solve] },
			iterations: 2,
			concurrency: 2,
			observer: { level: "full", steering: "suggest", config: quickConfig },
		});
		expect(created.status).toBe(201);
		const runId = created.body.id as number;
		const view = await observerEvent(runId, (v) => pending(v).length === 2);
		expect(view.session).toMatchObject({ level: "full", steering: "suggest", status: "active" });
		expect(view.anomalies.map((a) => a.detector)).toEqual(["loop", "loop"]);
		const [first, second] = pending(view) as [RecommendationView, RecommendationView];
		expect(first).toMatchObject({ type: "cancel_task", autoSafe: false, appliedBy: null });
		// Evidence links back to the tasks.
		const taskOf = (r: RecommendationView) => r.parameters.taskId as number;
		expect(view.anomalies.flatMap((a) => a.taskIds).sort()).toEqual([taskOf(first), taskOf(second)].sort());

		const applied = await call("POST", `/api/runs/${runId}/observer/recommendations/${first.id}/apply`);
		expect(applied).toMatchObject({ status: 200, body: { status: "applied", appliedBy: "human" } });
		expect(applied.body.outcome).toMatch(new RegExp(`^task ${taskOf(first)} cancelled \\(was running\\)`));
		const dismissed = await call("POST", `/api/runs/${runId}/observer/recommendations/${second.id}/dismiss`);
		expect(dismissed).toMatchObject({
			status: 200,
			body: { status: "ignored", appliedBy: "human", outcome: "dismissed by a person" },
		});
		const twice = await call("POST", `/api/runs/${runId}/observer/recommendations/${first.id}/apply`);
		expect(twice).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/is applied/) } } });
		const missing = await call("POST", `/api/runs/${runId}/observer/recommendations/99999/dismiss`);
		expect(missing.status).toBe(404);

		// The task a person cancelled carries the reason; the other one loops on until its script ends.
		for (let i = 0; i < 200; i++) {
			const { body } = await call("GET", `/api/runs/${runId}`);
			if ((body.run as { status: string }).status === "completed") break;
			await sleep(200);
		}
		const task = await call("GET", `/api/tasks/${taskOf(first)}`);
		expect(task.body).toMatchObject({
			status: "cancelled",
			error: expect.stringMatching(/^cancelled by the observer: loop/),
		});
		const final = observerViewSchema.parse((await call("GET", `/api/runs/${runId}/observer`)).body);
		expect(final.recommendations.map((r) => [r.id, r.status, r.appliedBy])).toEqual([
			[first.id, "applied", "human"],
			[second.id, "ignored", "human"],
		]);
		expect(final.session).toMatchObject({ status: "ended", appliedCount: 1 });
	});

	it("pauses a run when a person applies pause_run, and resumes it with a new budget", async () => {
		live = await liveHarness();
		const expensive = { ...solve, usage: { inputTokens: 1_000_000, outputTokens: 0 }, delayMs: 800 };
		const created = await call("POST", "/api/runs", {
			model: "scripted",
			settings: { script: [expensive], modelInfo: { inputPrice: 1, outputPrice: 0 } },
			iterations: 5,
			concurrency: 1,
			observer: { level: "basic", steering: "suggest", budgetUsd: 2.5, config: quickConfig },
		});
		const runId = created.body.id as number;
		const view = await observerEvent(runId, (v) => pending(v).some((r) => r.type === "pause_run"));
		const pause = pending(view).find((r) => r.type === "pause_run") as RecommendationView;
		expect(view.session?.budgetUsd).toBe(2.5);
		expect(view.session?.projectedUsd).toBeGreaterThanOrEqual(2.5);
		const applied = await call("POST", `/api/runs/${runId}/observer/recommendations/${pause.id}/apply`);
		expect(applied).toMatchObject({ status: 200, body: { status: "applied", appliedBy: "human" } });
		let status = "";
		for (let i = 0; i < 100 && status !== "paused"; i++) {
			status = ((await call("GET", `/api/runs/${runId}`)).body.run as { status: string }).status;
			await sleep(200);
		}
		expect(status).toBe("paused");
		const resumed = await call("POST", `/api/runs/${runId}/resume`, { budgetUsd: 50 });
		expect(resumed.status).toBe(202);
		for (let i = 0; i < 300 && status !== "completed"; i++) {
			status = ((await call("GET", `/api/runs/${runId}`)).body.run as { status: string }).status;
			await sleep(200);
		}
		expect(status).toBe("completed");
		const tasks = (await call("GET", `/api/runs/${runId}/tasks`)).body.tasks as Array<{ status: string }>;
		expect(tasks.map((task) => task.status)).toEqual(Array(5).fill("passed"));
		const session = observerViewSchema.parse((await call("GET", `/api/runs/${runId}/observer`)).body).session;
		expect(session).toMatchObject({ budgetUsd: 50, status: "ended" });
		const badResume = await call("POST", `/api/runs/${runId}/resume`, { budgetUsd: -1 });
		expect(badResume.status).toBe(400);
	});
});
