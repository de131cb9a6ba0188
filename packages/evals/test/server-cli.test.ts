import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runListResponseSchema, runReportSchema } from "@agent-evals/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findServer } from "../src/cli/remote.js";
import { serveInfoSchema } from "../src/server/discovery.js";
import { cliEnv, REPO_ROOT, runCli, said } from "./helpers/cli.js";
import { EVALS_CLI, tempDir } from "./helpers/runner.js";

/**
 * `evals serve` and `evals run` as a user runs them: the built CLI in child processes sharing
 * one EVALS_HOME, so one embedded database that only one process may open.
 */

/** The CLI with this test's home; `extra` may set DATABASE_URL, EVALS_API_TOKEN, … */
async function evals(args: string[], home: string, extra: Record<string, string> = {}, timeoutMs = 90_000) {
	const result = await runCli(args, { home, env: extra, timeoutMs });
	if (result.signal === "SIGKILL") throw new Error(`evals ${args.join(" ")} timed out\n${said(result)}`);
	return result;
}

let home: string;
let serve: ChildProcess;
let url: string;
let serveStderr = "";

beforeAll(async () => {
	home = tempDir("serve-home");
	serve = spawn(process.execPath, [EVALS_CLI, "serve", "--port", "0"], {
		cwd: REPO_ROOT,
		env: cliEnv(home),
		stdio: ["ignore", "pipe", "pipe"],
	});
	serve.stderr?.on("data", (chunk) => {
		serveStderr += chunk;
	});
	url = await new Promise<string>((resolve, reject) => {
		let out = "";
		const timer = setTimeout(() => reject(new Error(`evals serve did not start: ${out}${serveStderr}`)), 60_000);
		serve.stdout?.on("data", (chunk) => {
			out += chunk;
			const match = /dashboard and API at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
			if (match?.[1]) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		serve.once("exit", (code) => reject(new Error(`evals serve exited with ${code}: ${serveStderr}`)));
	});
}, 90_000);

afterAll(() => {
	if (serve.exitCode === null) serve.kill("SIGKILL");
});

describe("evals serve with evals run", () => {
	it("writes the discovery file, without the token", () => {
		const info = serveInfoSchema.parse(JSON.parse(readFileSync(join(home, "serve.json"), "utf8")));
		expect(info).toMatchObject({ pid: serve.pid, url, host: "127.0.0.1", store: "pglite", tokenRequired: false });
		expect(Object.keys(info)).not.toContain("token");
	});

	it("is found by `evals run` through the discovery file, except when DATABASE_URL shares a store", async () => {
		expect(await findServer(home, {})).toMatchObject({ url });
		expect(await findServer(home, { DATABASE_URL: "postgres://elsewhere/db" })).toBeUndefined();
		expect(await findServer(tempDir("no-server"), {})).toBeUndefined();
	});

	it("hands `evals run --json` to the server, which executes it, and prints the contract JSON", async () => {
		const result = await evals(["run", "--json", "-x", "python/roman-numerals"], home);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toContain(`evals serve at ${url} holds the database`);
		const report = runReportSchema.parse(JSON.parse(result.stdout));
		expect(report).toMatchObject({ passed: 1, failed: 0, total: 1 });
		expect(report.tasks[0]).toMatchObject({ language: "python", exercise: "roman-numerals", passed: true });
		expect(Object.keys(report)).toEqual(["runId", "passed", "failed", "total", "tasks"]);

		const list = runListResponseSchema.parse(await (await fetch(`${url}/api/runs`)).json());
		expect(list.runs.find((run) => run.id === report.runId)).toMatchObject({ status: "completed", passed: 1 });
	});

	it("prints the same text report and passes the server's 400 on as a usage error", async () => {
		const text = await evals(["run", "-x", "python/roman-numerals"], home);
		expect(text.code, text.stderr).toBe(0);
		expect(text.stderr).toMatch(/Run \d+: 1 task with oracle \(builtin agent\), concurrency 2/);
		expect(text.stdout).toMatch(/Run \d+: oracle with the builtin agent — completed/);
		expect(text.stdout).toMatch(/1 passed, 0 failed of 1 \(100\.0%\)/);
		expect(text.stdout).toContain(`Dashboard: ${url}`);
		// The progress display of a local run, fed over HTTP (one line per task when not a terminal).
		expect(text.stderr).toMatch(/\[1\/1\] python\/roman-numerals passed in \d/);

		const bad = await evals(["run", "-x", "python/roman-numeralz"], home);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/unknown exercise "python\/roman-numeralz" \(did you mean "python\/roman-numerals"\?\)/);
	});

	it("refuses a non-loopback address without a token, and a second server on the same home", async () => {
		const open = await evals(["serve", "--host", "0.0.0.0", "--port", "0"], tempDir("serve-open"));
		expect(open.code).toBe(2);
		expect(open.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without a token.*EVALS_API_TOKEN/s);

		const second = await evals(["serve", "--port", "0"], home);
		expect(second.code).toBe(2);
		expect(second.stderr).toContain(`evals serve already runs for ${home} at ${url}`);
	});

	it("stops on SIGTERM: cancels the run it executes and removes the discovery file", async () => {
		const created = await fetch(`${url}/api/runs`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				model: "scripted",
				exercises: ["python/roman-numerals"],
				settings: { script: [{ delayMs: 60_000 }] },
			}),
		});
		const { id } = (await created.json()) as { id: number };
		const running = async () => {
			const detail = (await (await fetch(`${url}/api/runs/${id}`)).json()) as { run: { running: number } };
			return detail.run.running === 1;
		};
		const deadline = Date.now() + 20_000;
		while (!(await running())) {
			if (Date.now() > deadline) throw new Error("the run never started");
			await new Promise((resolve) => setTimeout(resolve, 100));
		}

		const exited = new Promise<number | null>((resolve) => serve.once("exit", (code) => resolve(code)));
		serve.kill("SIGTERM");
		expect(await exited).toBe(0);
		expect(existsSync(join(home, "serve.json"))).toBe(false);
		expect(serveStderr).toMatch(/Stopping/);

		// The database is free again, and the interrupted run is closed rather than left running.
		const show = await evals(["show", String(id), "--json"], home);
		expect(show.code, show.stderr).toBe(0);
		expect(JSON.parse(show.stdout)).toMatchObject({ run: { status: "cancelled" } });
	}, 60_000);
});
