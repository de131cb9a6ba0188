import { randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/index.js";
import { openDatabase } from "../src/db/client.js";
import { Store } from "../src/db/store.js";
import { Controller } from "../src/run/controller.js";
import { createServer } from "../src/server/index.js";
import { type CliResult, runCli, said } from "./helpers/cli.js";
import { tempDir } from "./helpers/runner.js";

/*
 * R8: a provider key planted in the controller's environment reaches the agent's model client
 * and nothing else. A scripted agent runs a command that prints everything it can find (its
 * environment, every /proc/<pid>/environ and cmdline it can see) into the stored output; then
 * every sink is searched for the key: the database (every row of every table), the files under
 * EVALS_HOME (database files, logs, kept workspaces, the agent's task history), the CLI's own
 * output, the exports and the event stream, and /proc/<pid>/cmdline of every process while the run
 * runs. Each search is also shown to find what the command printed, so it cannot pass empty.
 */

const marker = randomBytes(12).toString("hex");
const keys = { OPENAI_API_KEY: `sk-proj-${marker}`, ANTHROPIC_API_KEY: `sk-ant-${marker}` };
const PROBE = [
	"echo probe-start",
	"env",
	"for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\"; done",
	"for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\"; echo; done",
	"env > env-dump.txt",
	"echo probe-end",
].join("; ");

const home = tempDir("secrets-home");
let run: CliResult;
const cmdlineHits: string[] = [];

/** The text around the first occurrence of `needle`, or "" (a failure shows where, not a whole dump). */
function around(text: string, needle: string): string {
	const at = text.indexOf(needle);
	return at < 0 ? "" : text.slice(Math.max(0, at - 200), at + needle.length + 50);
}

async function filesUnder(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
	return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

async function scanCmdlines(): Promise<void> {
	for (const pid of await readdir("/proc")) {
		if (!/^\d+$/.test(pid)) continue;
		const cmdline = await readFile(`/proc/${pid}/cmdline`).catch(() => undefined);
		if (cmdline?.includes(marker)) cmdlineHits.push(`${pid}: ${cmdline.toString().replaceAll("\0", " ")}`);
	}
}

beforeAll(async () => {
	const settings = join(home, "settings.json");
	await writeFile(
		settings,
		JSON.stringify({ script: [{ toolCalls: [{ name: "execute_command", input: { command: PROBE } }] }] }),
	);
	let running = true;
	const watcher = (async () => {
		while (running) {
			await scanCmdlines();
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	})();
	try {
		run = await runCli(
			[
				"run",
				"-m",
				"scripted",
				"-x",
				"python/roman-numerals",
				"--sandbox",
				"bwrap",
				"--settings",
				settings,
				"--keep-workspaces",
				"--json",
			],
			{ home, env: keys, timeoutMs: 120_000 },
		);
	} finally {
		running = false;
		await watcher;
	}
}, 150_000);

afterAll(async () => {
	const { rm } = await import("node:fs/promises");
	await rm(home, { recursive: true, force: true });
});

describe("R8: a planted provider key reaches no sink", () => {
	it("the run finished, and the probe command ran in the workspace", async () => {
		expect(run.code === 0 || run.code === 1, said(run)).toBe(true);
		const dumps = (await filesUnder(join(home, "work"))).filter((file) => file.endsWith("env-dump.txt"));
		expect(dumps.length, said(run)).toBe(1);
		const dump = await readFile(dumps[0] ?? "", "utf8");
		expect(dump).toMatch(/^CI=1$/m);
		expect(dump).not.toContain(marker);
	});

	it("is in no process's command line while the run runs", () => {
		expect(cmdlineHits).toEqual([]);
	});

	it("is not in the CLI's output", () => {
		expect(run.stdout).not.toContain(marker);
		expect(run.stderr).not.toContain(marker);
	});

	it("is in no file under EVALS_HOME: database files, logs, workspaces, task history", async () => {
		const files = await filesUnder(home);
		expect(files.some((file) => file.includes(`${join(home, "db")}/`))).toBe(true);
		// The agents' storage: a warm agent's folder (run<id>-agents-*/agent-*/storage) or an attempt's own (…/agent/).
		const history = files.filter((file) => /\/agent(-[^/]+\/storage)?\//.test(file));
		expect(history.length).toBeGreaterThan(0);
		const hits: string[] = [];
		for (const file of files) {
			const bytes = await readFile(file).catch(() => undefined);
			if (bytes?.includes(marker)) hits.push(file);
		}
		expect(hits).toEqual([]);
	});

	it("is in no row of any table, nor in the exports or the event stream", async () => {
		const database = await openDatabase({ evalsHome: home });
		const store = new Store(database);
		const bus = new MemoryBus();
		const server = createServer({
			store,
			bus,
			controller: new Controller({ store, bus, evalsHome: home }),
			storeKind: "pglite",
			webDist: tempDir("web-dist"),
		});
		try {
			// Both drivers answer execute() with { rows }.
			const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;
			const tables = rowsOf(
				await database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`),
			);
			let dump = "";
			for (const { table_name } of tables) {
				const rows = rowsOf(
					await database.db.execute(sql.raw(`select row_to_json(t)::text as row from "${table_name}" t`)),
				);
				dump += rows.map((row) => String(row.row)).join("\n");
			}
			// The probe's output is stored (so this search would find a leak), the key is not.
			expect(dump).toContain("probe-start");
			expect(dump).toContain("CI=1");
			// The run stored the sandbox it ran in.
			expect(dump).toContain('"sandbox":"bwrap"');
			expect(around(dump, marker)).toBe("");

			const id = (JSON.parse(run.stdout) as { runId: number }).runId;
			for (const format of ["json", "csv", "junit", "text"]) {
				const response = await server.app.request(`/api/runs/${id}/export?format=${format}`);
				expect(response.status).toBe(200);
				expect(Buffer.from(await response.arrayBuffer()).includes(marker)).toBe(false);
			}
			const failed = await server.app.request(`/api/runs/${id}/logs/failed`);
			expect(Buffer.from(await failed.arrayBuffer()).includes(marker)).toBe(false);

			const stream = await server.app.request(`/api/runs/${id}/stream`);
			const reader = stream.body?.getReader();
			let sse = "";
			const until = Date.now() + 1500;
			while (reader && Date.now() < until) {
				const chunk = await Promise.race([
					reader.read(),
					new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), until - Date.now())),
				]);
				if (chunk === undefined || chunk.done) break;
				sse += Buffer.from(chunk.value).toString("utf8");
			}
			await reader?.cancel();
			expect(sse).toContain("probe-start");
			expect(around(sse, marker)).toBe("");
		} finally {
			await server.close();
			await bus.close();
			await database.close();
		}
	});
});
