import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import type { TaskEvent } from "@agent-evals/types";
import { count, eq } from "drizzle-orm";
import { integer, pgSchema, serial, text } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, DatabaseOpenError, openDatabase } from "../src/db/client.js";
import { ZERO_TOTALS } from "../src/db/queries/totals.js";
import { runs, taskEvents, taskMetrics, tasks, toolErrors } from "../src/db/schema.js";
import { readSeed, unpackSeed, writeSeed } from "../src/db/seed.js";
import { Store, ZERO_METRICS } from "../src/db/store.js";
import { databaseUrl, scratchDatabases } from "./helpers/postgres.js";

// PGlite's initdb takes seconds, more on a busy machine.
const OPEN_TIMEOUT = 120_000;

const journal = JSON.parse(await readFile(new URL("../drizzle/meta/_journal.json", import.meta.url), "utf8")) as {
	entries: unknown[];
};

const migrationsTable = pgSchema("drizzle").table("__drizzle_migrations", {
	id: serial("id"),
	hash: text("hash"),
	createdAt: integer("created_at"),
});

async function appliedMigrations(database: Database): Promise<number> {
	const [row] = await database.db.select({ n: count() }).from(migrationsTable);
	return row?.n ?? -1;
}

const uniqueModel = () => `test:model-${randomBytes(4).toString("hex")}`;
const newRun = (store: Store, extra: Partial<Parameters<Store["runs"]["create"]>[0]> = {}) =>
	store.runs.create({ model: uniqueModel(), suite: "exercises", ...extra });

const started = (id: string): TaskEvent => ({ eventName: "taskStarted", payload: [id] });
const tokenUsage = (id: string, tokensIn: number): TaskEvent => ({
	eventName: "taskTokenUsageUpdated",
	payload: [id, { totalTokensIn: tokensIn, totalTokensOut: 1, totalCost: 0.01, contextTokens: tokensIn }],
});

/** The same assertions for every backend; `open` gives a fresh, migrated database. */
function storeSuite(open: () => Promise<Database>) {
	let database: Database;
	let store: Store;

	beforeAll(async () => {
		database = await open();
		store = new Store(database);
	}, OPEN_TIMEOUT);
	afterAll(async () => {
		await database?.close();
	});

	it("applies the migrations again without error or duplicates", async () => {
		expect(await appliedMigrations(database)).toBe(journal.entries.length);
		await database.migrate();
		await database.migrate();
		expect(await appliedMigrations(database)).toBe(journal.entries.length);
	});

	it("creates, reads, updates and lists runs with defaults", async () => {
		const model = uniqueModel();
		const run = await store.runs.create({ model, suite: "exercises", settings: { apiProvider: "anthropic" } });
		expect(run).toMatchObject({
			model,
			suite: "exercises",
			agent: "builtin",
			status: "pending",
			concurrency: 2,
			timeout: 5,
			iterations: 1,
			passed: 0,
			failed: 0,
			taskMetricsId: null,
			settings: { apiProvider: "anthropic" },
		});
		expect(run.createdAt).toBeInstanceOf(Date);
		expect(await store.runs.get(run.id)).toEqual(run);
		expect(await store.runs.get(2_000_000_000)).toBeUndefined();

		const startedAt = new Date("2025-01-02T03:04:05.678Z");
		const updated = await store.runs.update(run.id, { status: "running", startedAt, inputPrice: 3, outputPrice: 15 });
		expect(updated).toMatchObject({ status: "running", inputPrice: 3, outputPrice: 15 });
		expect(updated?.startedAt?.toISOString()).toBe(startedAt.toISOString());
		expect(await store.runs.update(run.id, {})).toEqual(updated);
		expect(await store.runs.update(2_000_000_000, { name: "x" })).toBeUndefined();

		const second = await store.runs.create({ model, suite: "exercises" });
		const third = await store.runs.create({ model, suite: "other", status: "completed" });
		expect((await store.runs.list({ model })).map((r) => r.id)).toEqual([third.id, second.id, run.id]);
		expect((await store.runs.list({ model, limit: 1, offset: 1 })).map((r) => r.id)).toEqual([second.id]);
		expect((await store.runs.list({ model, status: "completed" })).map((r) => r.id)).toEqual([third.id]);
		expect((await store.runs.list({ model, status: ["running", "completed"] })).map((r) => r.id)).toEqual([
			third.id,
			run.id,
		]);
		expect(await store.runs.list({ model, since: new Date(Date.now() + 60_000) })).toEqual([]);
		expect((await store.runs.list({ model, since: new Date(Date.now() - 60_000) })).length).toBe(3);

		await expect(store.runs.create({ model, suite: "x", status: "bogus" as never })).rejects.toThrow();
	});

	it("creates tasks idempotently under the (run, language, exercise, iteration) key", async () => {
		const run = await newRun(store);
		const items = [
			{ language: "python", exercise: "two-fer", iteration: 1 },
			{ language: "python", exercise: "two-fer", iteration: 2 },
			{ language: "go", exercise: "bob", iteration: 1 },
		];
		const first = await store.tasks.create(run.id, items);
		expect(first.map((t) => [t.language, t.exercise, t.iteration])).toEqual(items.map((i) => Object.values(i)));
		expect(first.every((t) => t.status === "pending" && t.passed === null && t.attempt === 0)).toBe(true);

		await store.tasks.update(first[0]?.id ?? -1, { status: "running", attempt: 1 });
		const again = await store.tasks.create(run.id, [
			{ language: "go", exercise: "bob", iteration: 1 },
			{ language: "rust", exercise: "acronym", iteration: 1 },
			{ language: "rust", exercise: "acronym", iteration: 1 },
			{ language: "python", exercise: "two-fer", iteration: 1 },
		]);
		expect(again).toHaveLength(3);
		expect(again[0]?.id).toBe(first[2]?.id);
		expect(again[2]).toMatchObject({ id: first[0]?.id, status: "running", attempt: 1 });
		expect(await store.tasks.list(run.id)).toHaveLength(4);
		expect(await store.tasks.create(run.id, [])).toEqual([]);

		await expect(
			database.db.insert(tasks).values({ runId: run.id, language: "go", exercise: "bob", iteration: 1 }),
		).rejects.toSatisfy((error: unknown) => (error as { cause?: { code?: string } }).cause?.code === "23505");

		const other = await newRun(store);
		expect(await store.tasks.create(other.id, [{ language: "go", exercise: "bob", iteration: 1 }])).toHaveLength(1);
	});

	it("creates a large batch of tasks in one call", async () => {
		const run = await newRun(store);
		const items = Array.from({ length: 2500 }, (_, i) => ({ language: "js", exercise: `ex-${i}`, iteration: 1 }));
		const created = await store.tasks.create(run.id, items);
		expect(created).toHaveLength(2500);
		expect(created[2499]?.exercise).toBe("ex-2499");
	});

	it("updates, filters and finds unfinished tasks", async () => {
		const run = await newRun(store);
		const [a, b, c, d] = await store.tasks.create(run.id, [
			{ language: "go", exercise: "a", iteration: 1 },
			{ language: "go", exercise: "b", iteration: 1 },
			{ language: "go", exercise: "c", iteration: 1 },
			{ language: "go", exercise: "d", iteration: 1 },
		]);
		if (!a || !b || !c || !d) throw new Error("tasks missing");
		const updated = await store.tasks.update(a.id, {
			status: "failed",
			passed: false,
			failureKind: "timeout",
			phaseTimings: { workspaceMs: 12, agentMs: 3400 },
			testOutput: "1 failed",
			testsTampered: true,
			finishedAt: new Date(),
		});
		expect(updated).toMatchObject({
			status: "failed",
			passed: false,
			failureKind: "timeout",
			phaseTimings: { workspaceMs: 12, agentMs: 3400 },
			testsTampered: true,
		});
		expect(await store.tasks.get(a.id)).toEqual(updated);
		await store.tasks.update(b.id, { status: "running", agentTaskId: "roo-1", queueWaitMs: 40 });
		await store.tasks.update(c.id, { status: "passed", passed: true });
		expect((await store.tasks.unfinished(run.id)).map((t) => t.id)).toEqual([b.id, d.id]);
		expect((await store.tasks.list(run.id, { status: "passed" })).map((t) => t.id)).toEqual([c.id]);
		expect(await store.tasks.get(2_000_000_000)).toBeUndefined();
		await expect(store.tasks.update(a.id, { failureKind: "nonsense" as never })).rejects.toThrow();
	});

	it("saves task metrics into one linked row, with counts beyond 2^31", async () => {
		const run = await newRun(store);
		const [task] = await store.tasks.create(run.id, [{ language: "go", exercise: "m", iteration: 1 }]);
		if (!task) throw new Error("task missing");
		const first = await store.metrics.save(task.id, {
			tokensIn: 100,
			tokensOut: 20,
			tokensContext: 90,
			cacheWrites: 5,
			cacheReads: 7,
			cost: 0.25,
			duration: 1000,
			toolUsage: { read_file: { attempts: 1, failures: 0 } },
		});
		expect((await store.tasks.get(task.id))?.taskMetricsId).toBe(first.id);
		const second = await store.metrics.save(task.id, {
			tokensIn: 3_000_000_000,
			tokensOut: 40,
			tokensContext: 95,
			cacheWrites: 5,
			cacheReads: 9,
			cost: 0.5,
			duration: 2000,
			toolUsage: { read_file: { attempts: 2, failures: 1 } },
		});
		expect(second.id).toBe(first.id);
		const stored = await store.metrics.get(first.id);
		expect(stored).toMatchObject({ tokensIn: 3_000_000_000, tokensOut: 40, duration: 2000 });
		expect(stored?.cost).toBeCloseTo(0.5);
		expect(stored?.toolUsage).toEqual({ read_file: { attempts: 2, failures: 1 } });
		const rows = await database.db.select({ n: count() }).from(taskMetrics).where(eq(taskMetrics.id, first.id));
		expect(rows[0]?.n).toBe(1);

		// Concurrent saves for one task must still end with a single linked row.
		const base = { tokensOut: 1, tokensContext: 1, cacheWrites: 0, cacheReads: 0, cost: 0, duration: 1, toolUsage: {} };
		const saves = await Promise.all([1, 2, 3, 4].map((n) => store.metrics.save(task.id, { ...base, tokensIn: n })));
		expect(new Set(saves.map((s) => s.id))).toEqual(new Set([first.id]));
		await expect(store.metrics.save(2_000_000_000, { ...base, tokensIn: 1 })).rejects.toThrow(/does not exist/);
	});

	it("finishes a run: counts, summed metrics, wall time and merged tool usage", async () => {
		const run = await newRun(store, { status: "running", startedAt: new Date(Date.now() - 5000) });
		const [a, b, c, d, e] = await store.tasks.create(
			run.id,
			["a", "b", "c", "d", "e"].map((exercise) => ({ language: "py", exercise, iteration: 1 })),
		);
		if (!a || !b || !c || !d || !e) throw new Error("tasks missing");
		await store.tasks.update(a.id, { status: "passed", passed: true });
		// b passed at its second try: a pass, but not a first-try one.
		const aTry = { summary: "", agentMs: 1, gradeMs: 1, tokensIn: 1, tokensOut: 1, cost: 0 };
		await store.tasks.update(a.id, { tries: [{ ...aTry, try: 1, passed: true, failureKind: null }] });
		await store.tasks.update(b.id, {
			status: "passed",
			passed: true,
			tries: [
				{ ...aTry, try: 1, passed: false, failureKind: "test_failed" },
				{ ...aTry, try: 2, passed: true, failureKind: null },
			],
		});
		await store.tasks.update(c.id, { status: "failed", passed: false, failureKind: "test_failed" });
		await store.tasks.update(d.id, { status: "cancelled", failureKind: "cancelled" });
		const metrics = { tokensContext: 0, cacheWrites: 1, cacheReads: 2, duration: 100 };
		await store.metrics.save(a.id, {
			...metrics,
			tokensIn: 1000,
			tokensOut: 100,
			cost: 0.1,
			toolUsage: { read_file: { attempts: 3, failures: 1 }, write_to_file: { attempts: 1, failures: 0 } },
		});
		await store.metrics.save(c.id, {
			...metrics,
			tokensIn: 2_500_000_000,
			tokensOut: 300,
			cost: 0.2,
			toolUsage: { read_file: { attempts: 2, failures: 0 }, execute_command: { attempts: 4, failures: 2 } },
		});

		expect(await store.runs.totals(run.id)).toEqual({
			passed: 2,
			passedFirstTry: 1,
			failed: 1,
			pending: 1,
			running: 0,
			cancelled: 1,
			total: 5,
			tokensIn: 2_500_001_000,
			tokensOut: 400,
			tokensContext: 0,
			cacheWrites: 2,
			cacheReads: 4,
			cost: expect.closeTo(0.3, 5),
		});

		const finished = await store.runs.finish(run.id, "completed", ["task 1: storing 3 events failed: disk full"]);
		expect(finished).toMatchObject({ status: "completed", passed: 2, failed: 1 });
		expect(finished.notes).toEqual(["task 1: storing 3 events failed: disk full"]);
		expect(finished.finishedAt).toBeInstanceOf(Date);
		const runMetrics = await store.metrics.get(finished.taskMetricsId ?? -1);
		expect(runMetrics).toMatchObject({ tokensIn: 2_500_001_000, tokensOut: 400, cacheWrites: 2, cacheReads: 4 });
		expect(runMetrics?.cost).toBeCloseTo(0.3, 5);
		expect(runMetrics?.duration).toBeGreaterThanOrEqual(5000);
		expect(runMetrics?.duration).toBeLessThan(120_000);
		expect(runMetrics?.toolUsage).toEqual({
			read_file: { attempts: 5, failures: 1 },
			write_to_file: { attempts: 1, failures: 0 },
			execute_command: { attempts: 4, failures: 2 },
		});

		// Finishing again (e.g. cancel after completion) recomputes the same row.
		await store.tasks.update(e.id, { status: "failed", passed: false, failureKind: "infra" });
		const again = await store.runs.finish(run.id, "failed", ["resumed"]);
		expect(again).toMatchObject({ status: "failed", passed: 2, failed: 2, taskMetricsId: finished.taskMetricsId });
		// A second pass adds its notes to the first's.
		expect(again.notes).toEqual(["task 1: storing 3 events failed: disk full", "resumed"]);

		const empty = await newRun(store);
		const closed = await store.runs.finish(empty.id, "cancelled");
		expect(closed).toMatchObject({ status: "cancelled", passed: 0, failed: 0 });
		expect(await store.metrics.get(closed.taskMetricsId ?? -1)).toMatchObject({ duration: 0, toolUsage: {} });
		expect(await store.runs.totals(empty.id)).toEqual(ZERO_TOTALS);
		await expect(store.runs.finish(2_000_000_000, "completed")).rejects.toThrow(/does not exist/);
	});

	it("releases interrupted tasks, cancels pending ones and resets a finished one in one step", async () => {
		const run = await newRun(store);
		const [running, pending, done] = await store.tasks.create(
			run.id,
			["r", "p", "d"].map((exercise) => ({ language: "go", exercise, iteration: 1 })),
		);
		if (!running || !pending || !done) throw new Error("tasks missing");
		await store.tasks.update(running.id, { status: "running" });
		await store.tasks.update(done.id, {
			status: "failed",
			passed: false,
			failureKind: "test_failed",
			attempt: 2,
			testOutput: "1 failed",
			finishedAt: new Date(),
		});
		await store.metrics.save(done.id, { ...ZERO_METRICS, tokensIn: 500, cost: 0.25 });

		expect(await store.tasks.releaseInterrupted(run.id)).toBe(1);
		expect((await store.tasks.get(running.id))?.status).toBe("pending");
		expect(await store.tasks.cancelPending(run.id)).toBe(2);
		expect((await store.tasks.get(pending.id))?.failureKind).toBe("cancelled");

		const reset = await store.tasks.reset(done.id);
		expect(reset).toMatchObject({ status: "pending", passed: null, failureKind: null, testOutput: null, attempt: 2 });
		// The old attempt no longer counts in the run's live totals.
		expect(await store.runs.totals(run.id)).toMatchObject({ pending: 1, cancelled: 2, tokensIn: 0, cost: 0 });
		expect(await store.tasks.reset(2_000_000_000)).toBeUndefined();
	});

	it("stores task events in order and replays after an id", async () => {
		const run = await newRun(store);
		const [task, other] = await store.tasks.create(run.id, [
			{ language: "go", exercise: "ev", iteration: 1 },
			{ language: "go", exercise: "ev2", iteration: 1 },
		]);
		if (!task || !other) throw new Error("tasks missing");
		const ids = await store.events.append(run.id, task.id, [
			started("roo-1"),
			tokenUsage("roo-1", 10),
			tokenUsage("roo-1", 20),
		]);
		expect(ids).toHaveLength(3);
		expect([...ids].sort((x, y) => x - y)).toEqual(ids);
		const otherIds = await store.events.append(run.id, other.id, [started("roo-2")]);
		const runLevel = await store.events.append(run.id, null, [{ eventName: "modeChanged", payload: ["code"] }]);
		expect(await store.events.append(run.id, null, [])).toEqual([]);
		expect(otherIds[0]).toBeGreaterThan(ids[2] ?? Number.POSITIVE_INFINITY);

		const all = await store.events.list(run.id);
		expect(all.map((e) => e.id)).toEqual([...ids, ...otherIds, ...runLevel]);
		expect(all[0]).toMatchObject({ runId: run.id, taskId: task.id, eventName: "taskStarted" });
		expect(all[0]?.event).toEqual({ eventName: "taskStarted", payload: ["roo-1"], taskId: task.id });
		expect(all[4]?.event).toEqual({ eventName: "modeChanged", payload: ["code"] });
		expect(all[4]?.taskId).toBeNull();

		const afterSecond = await store.events.list(run.id, { afterId: ids[1] });
		expect(afterSecond.map((e) => e.id)).toEqual([ids[2], ...otherIds, ...runLevel]);
		expect((await store.events.list(run.id, { afterId: ids[0], limit: 2 })).map((e) => e.id)).toEqual(ids.slice(1, 3));
		expect((await store.events.list(run.id, { taskId: other.id })).map((e) => e.id)).toEqual(otherIds);
		expect(await store.events.list(run.id, { afterId: runLevel[0] })).toEqual([]);

		const otherRun = await newRun(store);
		await store.events.append(otherRun.id, null, [started("x")]);
		expect((await store.events.list(run.id)).length).toBe(5);
	});

	it("records tool errors and heartbeats", async () => {
		const run = await newRun(store);
		const [task] = await store.tasks.create(run.id, [{ language: "go", exercise: "te", iteration: 1 }]);
		if (!task) throw new Error("task missing");
		const error = await store.toolErrors.add({
			runId: run.id,
			taskId: task.id,
			toolName: "apply_diff",
			error: "no match",
		});
		expect(error).toMatchObject({ runId: run.id, taskId: task.id, toolName: "apply_diff", error: "no match" });
		await store.toolErrors.add({ runId: run.id, taskId: null, toolName: "execute_command", error: "spawn failed" });
		expect((await store.toolErrors.list(run.id)).map((e) => e.toolName)).toEqual(["apply_diff", "execute_command"]);
		expect(await store.toolErrors.list(run.id, { taskId: task.id })).toEqual([error]);

		const before = Date.now();
		await store.runs.heartbeat(run.id, 4242);
		const beat = await store.runs.get(run.id);
		expect(beat?.controllerPid).toBe(4242);
		expect(Math.abs((beat?.heartbeatAt?.getTime() ?? 0) - before)).toBeLessThan(60_000);
	});

	it("deletes a run with everything that hangs off it", async () => {
		const keep = await newRun(store);
		const [kept] = await store.tasks.create(keep.id, [{ language: "go", exercise: "k", iteration: 1 }]);
		const run = await newRun(store, { startedAt: new Date() });
		const [task] = await store.tasks.create(run.id, [{ language: "go", exercise: "del", iteration: 1 }]);
		if (!task || !kept) throw new Error("tasks missing");
		const metrics = await store.metrics.save(task.id, {
			tokensIn: 1,
			tokensOut: 1,
			tokensContext: 1,
			cacheWrites: 0,
			cacheReads: 0,
			cost: 0,
			duration: 1,
			toolUsage: {},
		});
		await store.events.append(run.id, task.id, [started("roo-del")]);
		await store.events.append(keep.id, kept.id, [started("roo-keep")]);
		await store.toolErrors.add({ runId: run.id, taskId: task.id, toolName: "read_file", error: "ENOENT" });
		const finished = await store.runs.finish(run.id, "completed");

		expect(await store.runs.delete(run.id)).toBe(true);
		expect(await store.runs.delete(run.id)).toBe(false);
		expect(await store.runs.get(run.id)).toBeUndefined();
		expect(await store.tasks.get(task.id)).toBeUndefined();
		const left = async (table: typeof tasks | typeof taskEvents | typeof toolErrors) =>
			(await database.db.select({ n: count() }).from(table).where(eq(table.runId, run.id)))[0]?.n;
		expect(await left(tasks)).toBe(0);
		expect(await left(taskEvents)).toBe(0);
		expect(await left(toolErrors)).toBe(0);
		expect(await store.metrics.get(metrics.id)).toBeUndefined();
		expect(await store.metrics.get(finished.taskMetricsId ?? -1)).toBeUndefined();

		expect(await store.tasks.get(kept.id)).toBeDefined();
		expect(await store.events.list(keep.id)).toHaveLength(1);
		// A plain SQL delete cascades too, for tools that bypass the store.
		await database.db.delete(runs).where(eq(runs.id, keep.id));
		expect(await store.tasks.get(kept.id)).toBeUndefined();
	});
}

describe("store on in-memory PGlite", () => {
	storeSuite(() => openDatabase({ databaseUrl: "memory://" }));
});

describe.skipIf(!databaseUrl)(
	databaseUrl ? "store on PostgreSQL" : "store on PostgreSQL — skipped: DATABASE_URL not set",
	() => {
		const scratch = scratchDatabases();
		const createDatabase = () => scratch.create();
		afterAll(() => scratch.drop());

		let suiteUrl = "";
		beforeAll(async () => {
			suiteUrl = await createDatabase();
		});

		describe("shared suite", () => {
			storeSuite(() => openDatabase({ databaseUrl: suiteUrl }));
		});

		it("migrates an empty database from several openers at once", async () => {
			const url = await createDatabase();
			const opened = await Promise.all(Array.from({ length: 5 }, () => openDatabase({ databaseUrl: url })));
			try {
				for (const database of opened) {
					expect(database.kind).toBe("postgres");
					expect(await appliedMigrations(database)).toBe(journal.entries.length);
				}
				const store = new Store(opened[1] as Database);
				const run = await newRun(store);
				expect((await new Store(opened[4] as Database).runs.get(run.id))?.id).toBe(run.id);
			} finally {
				await Promise.all(opened.map((d) => d.close()));
			}
		});

		it("names the server but not the password when the password is wrong", async () => {
			const url = new URL(databaseUrl ?? "");
			url.password = "wrong-Pa55word";
			const error = await openDatabase({ databaseUrl: url.toString() }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(DatabaseOpenError);
			const message = (error as Error).message;
			expect(message).toContain(`${url.hostname}:${url.port || "5432"}`);
			expect(message).toMatch(/password authentication failed/);
			expect(message).not.toContain("wrong-Pa55word");
		});

		it("says so when the database does not exist", async () => {
			const missing = new URL(databaseUrl ?? "");
			missing.pathname = "/agent_evals_missing_db";
			const error = await openDatabase({ databaseUrl: missing.toString() }).catch((e: unknown) => e);
			expect((error as Error).message).toMatch(/"agent_evals_missing_db".*does not exist/);
		});
	},
);

describe("opening databases", () => {
	let home = "";
	beforeAll(async () => {
		home = await mkdtemp(path.join(tmpdir(), "agent-evals-db-"));
	});
	afterAll(async () => {
		await rm(home, { recursive: true, force: true });
	});

	it(
		"keeps a file-backed PGlite under EVALS_HOME across close and reopen, one process at a time",
		async () => {
			const evalsHome = path.join(home, "nested", "home");
			const first = await openDatabase({ evalsHome });
			expect(first.kind).toBe("pglite");
			expect(first.location).toBe(`pglite:${path.join(evalsHome, "db")}`);
			let runId: number;
			try {
				const run = await newRun(new Store(first), { name: "persisted" });
				runId = run.id;
				const busy = await openDatabase({ evalsHome }).catch((e: unknown) => e);
				expect(busy).toBeInstanceOf(DatabaseOpenError);
				expect((busy as Error).message).toMatch(/in use by this process/);
			} finally {
				await first.close();
				await first.close();
			}

			// A lock left by a process that died must not block the next start.
			const dead = spawnSync(process.execPath, ["-e", ""]).pid;
			await writeFile(path.join(evalsHome, "db.lock"), JSON.stringify({ pid: dead, host: hostname() }));
			const previous = process.env.EVALS_HOME;
			process.env.EVALS_HOME = evalsHome;
			const second = await openDatabase().finally(() => {
				if (previous === undefined) delete process.env.EVALS_HOME;
				else process.env.EVALS_HOME = previous;
			});
			try {
				expect(await appliedMigrations(second)).toBe(journal.entries.length);
				expect(await new Store(second).runs.get(runId)).toMatchObject({ name: "persisted" });
			} finally {
				await second.close();
			}
		},
		OPEN_TIMEOUT,
	);

	it(
		"starts a new embedded database from the seed made from these migrations, and ignores a seed made from others",
		async () => {
			const seed = path.join(home, "seed.tar.gz");
			await writeSeed(seed);
			const evalsHome = path.join(home, "seeded");
			const first = await openDatabase({ evalsHome, seed });
			try {
				expect(first.seeded).toBe(true);
				expect(await appliedMigrations(first)).toBe(journal.entries.length);
				await newRun(new Store(first), { name: "in a seeded home" });
			} finally {
				await first.close();
			}
			// An initialised directory is never overwritten by the seed.
			const again = await openDatabase({ evalsHome, seed });
			try {
				expect(again.seeded).toBe(false);
				expect((await new Store(again).runs.summaries({})).runs.map((run) => run.name)).toEqual(["in a seeded home"]);
			} finally {
				await again.close();
			}
			const memory = await openDatabase({ databaseUrl: "memory://", seed });
			expect(memory.seeded).toBe(true);
			await memory.close();

			// A seed from other migrations (its manifest names another history) is not used.
			await writeFile(path.join(home, "seed.json"), JSON.stringify({ migrations: "another history" }));
			expect(await readSeed(seed)).toBeUndefined();
			const unseeded = await openDatabase({ evalsHome: path.join(home, "unseeded"), seed });
			try {
				expect(unseeded.seeded).toBe(false);
				expect(await appliedMigrations(unseeded)).toBe(journal.entries.length);
			} finally {
				await unseeded.close();
			}
		},
		OPEN_TIMEOUT,
	);

	it(
		"unpacks the seed into a new data directory in one piece, or leaves it empty when it cannot",
		async () => {
			const seed = path.join(home, "unpack-seed.tar.gz");
			await writeSeed(seed);
			const dataDir = path.join(home, "unpacked", "db");
			await mkdir(dataDir, { recursive: true });
			expect(await unpackSeed(seed, dataDir)).toBe(true);
			expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);

			// Not an archive: nothing is left half-made, beside it or in it.
			const broken = path.join(home, "broken.tar.gz");
			await writeFile(broken, "not a tarball");
			const other = path.join(home, "unpack-fails", "db");
			await mkdir(other, { recursive: true });
			expect(await unpackSeed(broken, other)).toBe(false);
			expect(readdirSync(other)).toEqual([]);
			expect(readdirSync(path.dirname(other))).toEqual(["db"]);
		},
		OPEN_TIMEOUT,
	);

	it("reports an unreachable PostgreSQL with host and database but without the password", async () => {
		const error = await openDatabase({
			databaseUrl: "postgres://evals:s3cret-Passw0rd@127.0.0.1:1/agent_evals_test",
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatabaseOpenError);
		const message = (error as Error).message;
		expect(message).toContain("127.0.0.1:1");
		expect(message).toContain("agent_evals_test");
		expect(message).toMatch(/connection refused/);
		expect(message).not.toContain("s3cret-Passw0rd");
		expect(message).not.toMatch(/\n\s+at /);
	});

	it("rejects a URL it cannot use without echoing it", async () => {
		await expect(openDatabase({ databaseUrl: "mysql://root:hunter2@db/x" })).rejects.toThrow(/Unsupported.*"mysql:"/);
		const error = await openDatabase({ databaseUrl: "postgres://u:hunter2@[bad" }).catch((e: unknown) => e);
		expect((error as Error).message).not.toContain("hunter2");
	});
});
