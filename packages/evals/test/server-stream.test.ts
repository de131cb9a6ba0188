import { type RunSummary, runSummarySchema, taskEventSchema } from "@agent-evals/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisBus } from "../src/bus/redis-bus.js";
import { createRun } from "../src/run/plan.js";
import { databaseUrl, redisUrl, scratchDatabases } from "./helpers/postgres.js";
import { harness } from "./helpers/runner.js";
import { liveHarness, type SseFrame, sleep, sseFrames } from "./helpers/server.js";

type Live = Awaited<ReturnType<typeof liveHarness>>;

// One server (and in-memory PGlite, seconds to open) for the tests that need no token.
let shared: Live;
beforeAll(async () => {
	shared = await liveHarness({ keepAliveMs: 200 });
});
afterAll(async () => {
	await shared?.close();
});

let own: Live | undefined;
afterEach(async () => {
	await own?.close();
	own = undefined;
});

interface Client {
	frames: SseFrame[];
	/** Resolves once `until` holds for the frames read so far; then the connection is dropped. */
	done: Promise<void>;
	close(): void;
}

/** Connects like EventSource would and reads frames in the background until `until` holds. */
async function connect(
	url: string,
	until: (frames: SseFrame[]) => boolean,
	headers: Record<string, string> = {},
	timeoutMs = 60_000,
): Promise<Client> {
	const abort = new AbortController();
	const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
	expect(response.status).toBe(200);
	expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
	const frames: SseFrame[] = [];
	const timer = setTimeout(() => abort.abort(), timeoutMs);
	const done = (async () => {
		try {
			for await (const frame of sseFrames(response)) {
				frames.push(frame);
				if (until(frames)) return;
			}
		} catch (error) {
			if (!abort.signal.aborted) throw error;
		} finally {
			clearTimeout(timer);
			abort.abort();
		}
		if (!until(frames)) throw new Error(`stream ended early after ${frames.length} frames`);
	})();
	return { frames, done, close: () => abort.abort() };
}

const stored = (frames: SseFrame[]) => frames.filter((frame) => frame.id !== undefined);
const ids = (frames: SseFrame[]) => stored(frames).map((frame) => Number(frame.id));
const summaries = (frames: SseFrame[]): RunSummary[] =>
	frames.filter((frame) => frame.event === "run").map((frame) => runSummarySchema.parse(JSON.parse(frame.data ?? "")));
const passes = (frames: SseFrame[]) => frames.filter((frame) => frame.event === "evalPass").length;
const finished = (tasks: number) => (frames: SseFrame[]) =>
	passes(frames) === tasks && summaries(frames).some((summary) => summary.status === "completed");

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error("condition not met in time");
		await sleep(25);
	}
}

async function postRun(url: string, body: unknown): Promise<number> {
	const response = await fetch(`${url}/api/runs`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	expect(response.status).toBe(201);
	return ((await response.json()) as { id: number }).id;
}

// Each test runs real oracle tasks: seconds alone, much longer on a loaded CI machine.
describe("run event stream (SSE)", { timeout: 90_000 }, () => {
	it("resumes after a disconnect from Last-Event-ID and misses nothing", async () => {
		const { url, store, server } = shared;
		const runId = await postRun(url, { model: "oracle", iterations: 3, concurrency: 1 });
		const stream = `${url}/api/runs/${runId}/stream`;

		// Drop the connection mid-run: right after the first task's verdict.
		const first = await connect(stream, (frames) => passes(frames) === 1);
		await first.done;
		const lastId = ids(first.frames).at(-1);
		expect(lastId).toBeDefined();
		expect((await store.runs.get(runId))?.status).toBe("running");
		// The last subscriber left: nothing follows the run any more.
		await until(() => !server.deps.hub.followed.includes(runId));
		await sleep(500);

		const second = await connect(stream, finished(2), { "last-event-id": String(lastId) });
		await second.done;

		const all = [...ids(first.frames), ...ids(second.frames)];
		for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1] ?? 0);
		const rows = await store.events.list(runId);
		expect(all).toEqual(rows.map((row) => row.id));
		const last = stored(second.frames).at(-1);
		expect(last?.event).toBe("evalPass");

		// Each frame is the stored TaskEvent, with the database task id.
		const tasks = new Set((await store.tasks.list(runId)).map((task) => task.id));
		for (const frame of [...stored(first.frames), ...stored(second.frames)]) {
			const event = taskEventSchema.parse(JSON.parse(frame.data ?? ""));
			expect(event.eventName).toBe(frame.event);
			expect(tasks.has(event.taskId ?? -1)).toBe(true);
		}
		expect(summaries(second.frames).at(-1)).toMatchObject({ status: "completed", passed: 3, total: 3, passRate: 1 });
		expect(first.frames.some((frame) => frame.comment === "keep-alive")).toBe(true);
	});

	it("gives each of two tabs every event through one shared follower, with streaming text live", async () => {
		const { url, store, server } = shared;
		const { run } = await createRun(
			server.deps.store,
			shared.config({ model: "oracle", iterations: 2, concurrency: 2 }),
		);
		const stream = `${url}/api/runs/${run.id}/stream`;
		const a = await connect(stream, finished(2));
		const b = await connect(stream, finished(2));
		await until(() => summaries(a.frames).length > 0 && summaries(b.frames).length > 0);
		expect(summaries(a.frames)[0]).toMatchObject({ id: run.id, status: "pending", total: 2, pending: 2 });
		// Counted for this run only: another test's follower may still be closing.
		expect(server.deps.hub.followed.filter((id) => id === run.id)).toEqual([run.id]);

		server.deps.executor.start(run.id);
		await Promise.all([a.done, b.done]);

		const expected = (await store.events.list(run.id)).map((row) => row.id);
		expect(ids(a.frames)).toEqual(expected);
		expect(ids(b.frames)).toEqual(expected);
		for (const client of [a, b]) {
			// Partial messages come from the bus: live text, never stored, so without an id.
			const partial = client.frames.filter((frame) => frame.event === "message" && frame.id === undefined);
			expect(partial.length).toBeGreaterThan(0);
			expect(JSON.parse(partial[0]?.data ?? "")).toMatchObject({ payload: [{ message: { partial: true } }] });
			const statuses = summaries(client.frames).map((summary) => summary.status);
			expect(statuses).toContain("running");
			expect(statuses.at(-1)).toBe("completed");
		}
		await until(() => !server.deps.hub.followed.includes(run.id));
	});

	it("takes ?lastEventId= and ?token= for EventSource, which cannot set headers", async () => {
		const token = "stream-token-0123456789abcdef";
		own = await liveHarness({ token });
		const { url, store } = own;
		const auth = { authorization: `Bearer ${token}` };
		const created = await fetch(`${url}/api/runs`, {
			method: "POST",
			headers: { ...auth, "content-type": "application/json" },
			body: "{}",
		});
		const { id } = (await created.json()) as { id: number };
		expect((await fetch(`${url}/api/runs/${id}/stream`)).status).toBe(401);

		await until(async () => (await store.runs.get(id))?.status === "completed", 30_000);
		const rows = await store.events.list(id);
		const from = rows.at(-3)?.id;
		const client = await connect(
			`${url}/api/runs/${id}/stream?token=${token}&lastEventId=${from}`,
			(frames) => summaries(frames).length > 0,
		);
		await client.done;
		expect(ids(client.frames)).toEqual(rows.slice(-2).map((row) => row.id));
		expect(summaries(client.frames)[0]).toMatchObject({ status: "completed", passed: 1 });
	});
});

describe.skipIf(!databaseUrl || !redisUrl)("run event stream with PostgreSQL and Redis", () => {
	const scratch = scratchDatabases();
	afterAll(() => scratch.drop());

	it("streams a run another process executes: stored events from the store, live text over Redis", async () => {
		const url = await scratch.create();
		// Another process's controller and this server share nothing but the database and Redis.
		const worker = await harness({ databaseUrl: url, bus: await RedisBus.connect(redisUrl ?? "") });
		own = await liveHarness({}, { databaseUrl: url, bus: await RedisBus.connect(redisUrl ?? "") });
		try {
			const { run } = await worker.createRun(worker.config({ model: "oracle", iterations: 3, concurrency: 3 }));
			const client = await connect(`${own.url}/api/runs/${run.id}/stream`, finished(3));
			await until(() => summaries(client.frames).length > 0);
			const execution = worker.controller.execute(run.id);
			await client.done;
			await execution;

			const delivered = ids(client.frames);
			// Three tasks write at once over a pool of connections, so commit order may differ from
			// id order; what matters is that every stored event arrives exactly once.
			expect(new Set(delivered).size).toBe(delivered.length);
			const expected = (await worker.store.events.list(run.id)).map((row) => row.id);
			expect([...delivered].sort((a, b) => a - b)).toEqual(expected);
			expect(client.frames.some((frame) => frame.event === "message" && frame.id === undefined)).toBe(true);
			expect(summaries(client.frames).at(-1)).toMatchObject({ status: "completed", passed: 3 });
		} finally {
			await worker.close();
		}
	}, 90_000);
});
