import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import type { CreateRunResponse, ObserverView } from "@agent-evals/types";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunResponse, TaskDetail, TaskList } from "../src/api/types.js";

/*
 * The dashboard and `evals serve` together, as a user meets them: the built CLI in a child
 * process with its own EVALS_HOME (embedded store, in-memory bus), the built SPA it serves, and
 * Debian's Chromium driven by playwright-core. Runs use the offline models (oracle, scripted),
 * so nothing here needs a network or a key.
 */

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
// The default reporter folds a skipped file into a count; say why where a reader will see it.
if (!hasChromium) console.warn(`packages/web/test/e2e.test.ts: skipped: no Chromium at ${CHROMIUM}`);

const webRoot = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = path.resolve(webRoot, "..", "..");
const cli = path.join(repoRoot, "packages", "evals", "dist", "cli", "main.js");
const shotsDir = path.join(repoRoot, "test-output", "e2e");

const SLOW = 60_000;

/** The root globalSetup compiles the TypeScript packages but not the SPA: build it when dist/ is older than its inputs. */
function ensureSpaBuilt(): void {
	const newest = (entry: string): number => {
		if (!existsSync(entry)) return 0;
		const info = statSync(entry);
		if (!info.isDirectory()) return info.mtimeMs;
		return Math.max(info.mtimeMs, ...readdirSync(entry).map((name) => newest(path.join(entry, name))));
	};
	const index = path.join(webRoot, "dist", "index.html");
	const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
	const inputs = ["src", "public", "index.html", "vite.config.ts", "package.json"];
	if (Math.max(...inputs.map((name) => newest(path.join(webRoot, name)))) <= builtAt) return;
	// Vite alone (about a second): the type check belongs to `npm run build` and would add several.
	const vitePackage = createRequire(path.join(webRoot, "package.json")).resolve("vite/package.json");
	execFileSync(
		process.execPath,
		[path.join(path.dirname(vitePackage), "bin", "vite.js"), "build", "--logLevel", "warn"],
		{
			cwd: webRoot,
			// vitest sets NODE_ENV=test, and Vite would follow it into React's development build, left in dist/ for `evals serve`.
			env: { ...process.env, NODE_ENV: "production" },
			stdio: "inherit",
		},
	);
}

interface Server {
	child: ChildProcess;
	url: string;
	log: () => string;
}

/** The trace viewer the server tells the dashboard about; nothing needs to listen there. */
const TRACE_VIEWER = "http://127.0.0.1:16686/trace";

async function startServer(home: string): Promise<Server> {
	const env: NodeJS.ProcessEnv = { ...process.env, EVALS_HOME: home, EVALS_TRACE_URL: `${TRACE_VIEWER}/{traceId}` };
	// Shared services or a token from the caller's shell would change what is under test.
	for (const name of ["DATABASE_URL", "REDIS_URL", "EVALS_API_TOKEN", "EVALS_DEBUG", "EVALS_OTEL"]) delete env[name];
	// Port 0 and the URL the server prints: no window between finding a free port and binding it.
	const child = spawn(process.execPath, [cli, "serve", "--port", "0"], {
		cwd: repoRoot,
		env,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let output = "";
	child.stdout?.on("data", (chunk) => {
		output += chunk;
	});
	child.stderr?.on("data", (chunk) => {
		output += chunk;
	});
	try {
		const url = await new Promise<string>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`evals serve did not start:\n${output}`)), SLOW);
			const onData = () => {
				const match = /dashboard and API at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
				if (!match?.[1]) return;
				clearTimeout(timer);
				child.stdout?.off("data", onData);
				resolve(match[1]);
			};
			child.stdout?.on("data", onData);
			child.once("exit", (code) => {
				clearTimeout(timer);
				reject(new Error(`evals serve exited with ${code}:\n${output}`));
			});
		});
		// A hand-rolled wait: expect.poll only works inside a test, and this runs in beforeAll.
		const deadline = Date.now() + SLOW;
		for (;;) {
			const response = await fetch(`${url}/api/health`).catch(() => undefined);
			if (response?.ok && ((await response.json()) as { ok?: boolean }).ok === true) break;
			if (Date.now() > deadline) throw new Error(`${url}/api/health did not answer:\n${output}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		return { child, url, log: () => output };
	} catch (error) {
		// Nobody else holds the child yet: leaving it would keep the test run (and its port) alive.
		child.kill("SIGKILL");
		throw error;
	}
}

/** SIGTERM lets the server cancel what it still runs and stop its agents; SIGKILL if it hangs. */
async function stopServer(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once("exit", resolve));
	child.kill("SIGTERM");
	const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
	await exited;
	clearTimeout(timer);
}

const tid = (id: string) => `[data-testid="${id}"]`;

interface ShownState {
	status: string | undefined;
	passed: string | undefined;
	failed: string | undefined;
	remaining: string | undefined;
	tasks: Record<string, string | undefined>;
}

/** What the run page shows, in the shape `truthOf` gives the API's answer. */
function shownState(page: Page): Promise<ShownState> {
	return page.evaluate(() => {
		const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();
		const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="task-row"]')];
		return {
			status: document.querySelector<HTMLElement>('[data-testid="run-status"]')?.dataset.status,
			passed: text("stat-passed"),
			failed: text("stat-failed"),
			remaining: text("stat-remaining"),
			tasks: Object.fromEntries(rows.map((row) => [row.dataset.taskId ?? "?", row.dataset.status])),
		};
	});
}

interface Sample {
	connection: string | undefined;
	passed: string | undefined;
}

/**
 * Records the connection state and the passed count on every DOM change: proof that the page
 * changed by itself (over the event stream), which a final look cannot tell from a reload.
 */
function recordSamples(page: Page): Promise<void> {
	return page.evaluate(() => {
		const samples: Sample[] = [];
		(window as unknown as { e2eSamples: Sample[] }).e2eSamples = samples;
		const read = () => {
			const connection = document.querySelector<HTMLElement>('[data-testid="connection-indicator"]')?.dataset.state;
			const passed = document.querySelector('[data-testid="stat-passed"]')?.textContent?.trim();
			const last = samples.at(-1);
			if (last?.connection !== connection || last?.passed !== passed) samples.push({ connection, passed });
		};
		read();
		new MutationObserver(read).observe(document.body, {
			subtree: true,
			childList: true,
			characterData: true,
			attributes: true,
		});
	});
}

const samplesOf = (page: Page) => page.evaluate(() => (window as unknown as { e2eSamples: Sample[] }).e2eSamples);

/** The passed counts shown while the stream was connected, without repeats. */
function livePassedCounts(samples: Sample[]): number[] {
	const counts: number[] = [];
	for (const sample of samples) {
		if (sample.connection !== "connected" || sample.passed === undefined) continue;
		const count = Number(sample.passed);
		if (counts.at(-1) !== count) counts.push(count);
	}
	return counts;
}

describe.skipIf(!hasChromium)(
	hasChromium ? "dashboard end to end in Chromium" : `dashboard end to end: skipped: no Chromium at ${CHROMIUM}`,
	() => {
		let home: string;
		let server: Server | undefined;
		let browser: Browser | undefined;
		let base: string;
		const contexts: BrowserContext[] = [];
		let consoleErrors: string[] = [];

		// Filled by the tests in order; later tests build on the runs earlier ones made.
		let oracleRunId = 0;
		let languageRunId = 0;
		let failedRunId = 0;
		let failedTaskId = 0;

		async function api<T>(pathname: string, init?: RequestInit): Promise<T> {
			const response = await fetch(`${base}${pathname}`, init);
			if (!response.ok)
				throw new Error(`${init?.method ?? "GET"} ${pathname}: ${response.status} ${await response.text()}`);
			return (await response.json()) as T;
		}

		async function truthOf(runId: number): Promise<ShownState> {
			const [{ run }, { tasks }] = await Promise.all([
				api<RunResponse>(`/api/runs/${runId}`),
				api<TaskList>(`/api/runs/${runId}/tasks`),
			]);
			return {
				status: run.status,
				passed: String(run.passed),
				failed: String(run.failed),
				remaining: String(run.running + run.pending),
				tasks: Object.fromEntries(tasks.map((task) => [String(task.id), task.status])),
			};
		}

		async function openPage(
			options: { width?: number; height?: number; colorScheme?: "light" | "dark" } = {},
		): Promise<Page> {
			if (!browser) throw new Error("the browser did not start");
			const context = await browser.newContext({
				baseURL: base,
				viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
				colorScheme: options.colorScheme ?? "light",
			});
			contexts.push(context);
			const page = await context.newPage();
			page.setDefaultTimeout(20_000);
			page.on("console", (message) => {
				if (message.type() !== "error") return;
				const where = message.location().url;
				consoleErrors.push(`${page.url()}: ${message.text()}${where ? ` (${where})` : ""}`);
			});
			page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: uncaught ${error.stack ?? error.message}`));
			return page;
		}

		/** Asserts no console error so far except the `expected` ones (requests a test failed on purpose), then forgets them. */
		function expectNoConsoleErrors(expected: RegExp[] = []): void {
			const unexpected = consoleErrors.filter((line) => !expected.some((pattern) => pattern.test(line)));
			consoleErrors = [];
			expect(unexpected).toEqual([]);
		}

		const waitForStatus = (page: Page, status: string) =>
			page.waitForSelector(`.title-row ${tid("run-status")}[data-status="${status}"]`, { timeout: SLOW });

		beforeAll(async () => {
			ensureSpaBuilt();
			if (!existsSync(cli))
				throw new Error(`${cli} is missing: run \`npm run build\` (or let the vitest globalSetup build it).`);
			home = mkdtempSync(path.join(tmpdir(), "evals-e2e-"));
			mkdirSync(shotsDir, { recursive: true });
			// Pictures of an earlier failure would read as this run's.
			for (const name of readdirSync(shotsDir)) if (name.startsWith("failed-")) rmSync(path.join(shotsDir, name));
			const [started, launched] = await Promise.allSettled([
				startServer(home),
				// launch() gives each browser a new temporary profile (a fresh user data dir) and deletes it on close.
				chromium.launch({
					executablePath: CHROMIUM,
					headless: true,
					args: [
						"--headless",
						"--no-sandbox",
						"--disable-gpu",
						"--disable-background-networking",
						"--disable-quic",
						"--no-first-run",
						"--disable-component-update",
						"--disable-sync",
					],
				}),
			]);
			// Keep whichever started, so afterAll stops it even when the other failed.
			if (started.status === "fulfilled") server = started.value;
			if (launched.status === "fulfilled") browser = launched.value;
			for (const result of [started, launched]) if (result.status === "rejected") throw result.reason;
			base = server?.url ?? "";
		}, 120_000);

		afterEach(async (context) => {
			if (context.task.result?.state === "fail") {
				// What the browser showed and what the server said are the two halves of a failure here.
				const name = context.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
				const open = contexts.flatMap((each) => each.pages());
				await Promise.all(
					open.map((page, index) =>
						page.screenshot({ path: path.join(shotsDir, `failed-${name}-${index}.png`) }).catch(() => undefined),
					),
				);
				console.error(`evals serve output (last 4000 characters):\n${server?.log().slice(-4000)}`);
			}
			await Promise.all(contexts.splice(0).map((each) => each.close().catch(() => undefined)));
			consoleErrors = [];
		});

		afterAll(async () => {
			await browser?.close().catch(() => undefined);
			if (server) await stopServer(server.child);
			if (home) rmSync(home, { recursive: true, force: true });
		}, 30_000);

		it(
			"creates an oracle run with the form and follows it live until every task passed",
			async () => {
				const page = await openPage();
				await page.goto("/");
				await page.waitForSelector(`${tid("api-health")}[data-ok="true"]`);
				await page.waitForSelector(tid("empty-state"));

				await page.click(tid("new-run-button"));
				await page.waitForURL(/\/runs\/new$/);
				await page.waitForSelector(tid("new-run-form"));
				await page.selectOption(tid("field-provider"), "oracle");
				// The radio itself is hidden under its label, as a user sees it.
				await page.locator("label.segment", { hasText: "Pick exercises" }).click();
				for (const [query, key] of [
					["python roman", "python/roman-numerals"],
					["luhn", "javascript/luhn"],
				] as const) {
					await page.fill(tid("exercise-search"), query);
					await page.check(`${tid("exercise-option")}[value="${key}"]`);
				}
				await page.fill(tid("exercise-search"), "");
				expect(await page.textContent(tid("planned-tasks"))).toBe("2 tasks will run");
				// One at a time, so the second verdict comes visibly after the first.
				await page.fill(tid("field-concurrency"), "1");
				await page.fill(tid("field-name"), "e2e oracle");

				await recordSamples(page);
				await page.click(tid("submit-run"));
				await page.waitForURL(/\/runs\/\d+$/);
				oracleRunId = Number(new URL(page.url()).pathname.split("/").pop());
				expect(await page.textContent(tid("run-title"))).toBe("e2e oracle");
				expect(await page.locator(".meta-line > span").first().textContent()).toBe("model oracle");

				await waitForStatus(page, "completed");
				const samples = await samplesOf(page);
				const live = livePassedCounts(samples);
				// The counts moved while connected: 0 or 1 first, 2 last, never backwards.
				expect(live.length, JSON.stringify(samples)).toBeGreaterThanOrEqual(2);
				expect(live[0]).toBeLessThan(2);
				expect(live.at(-1)).toBe(2);
				expect([...live].sort((a, b) => a - b)).toEqual(live);

				await page.waitForSelector(`${tid("connection-indicator")}[data-state="idle"]`);
				expect(await page.textContent(tid("connection-indicator"))).toContain("Finished");
				expect(await page.textContent(tid("stat-passed"))).toBe("2");
				expect(await page.textContent(tid("stat-failed"))).toBe("0");
				expect(await page.textContent(tid("stat-pass-rate"))).toBe("100%");
				await expect
					.poll(() => page.$$eval(tid("task-row"), (rows) => rows.map((row) => (row as HTMLElement).dataset.status)))
					.toEqual(["passed", "passed"]);
				expect(await shownState(page)).toEqual(await truthOf(oracleRunId));
				expectNoConsoleErrors();
			},
			SLOW,
		);

		it(
			"reloads a run page mid-run and loses nothing",
			async () => {
				const page = await openPage();
				await page.goto("/runs/new");
				await page.locator("label.segment", { hasText: "By language" }).click();
				await page.check(`${tid("language-option")}[value="javascript"]`);
				await expect.poll(() => page.textContent(tid("planned-tasks"))).toBe("5 tasks will run");
				await page.fill(tid("field-concurrency"), "1");
				await page.fill(tid("field-name"), "e2e reload");
				await page.click(tid("submit-run"));
				await page.waitForURL(/\/runs\/\d+$/);
				languageRunId = Number(new URL(page.url()).pathname.split("/").pop());

				await expect
					.poll(async () => Number(await page.textContent(tid("stat-passed"))), { timeout: SLOW, interval: 50 })
					.toBeGreaterThanOrEqual(1);
				const before = await shownState(page);
				expect(before.status, "the run ended before the reload: it needs more tasks").toBe("running");

				await page.reload();
				await page.waitForSelector(tid("task-table"));
				await recordSamples(page);
				const after = await shownState(page);
				expect(Number(after.passed)).toBeGreaterThanOrEqual(Number(before.passed));
				for (const [id, status] of Object.entries(before.tasks)) {
					if (status === "passed") expect(after.tasks[id], `task ${id}`).toBe("passed");
				}
				// Page and API both move while the run goes on: poll until they agree, which a page that lost an event never would.
				await expect
					.poll(async () => isDeepStrictEqual(await shownState(page), await truthOf(languageRunId)), {
						timeout: SLOW,
						interval: 100,
					})
					.toBe(true);

				await waitForStatus(page, "completed");
				const live = livePassedCounts(await samplesOf(page));
				expect(live.length, "no live update after the reload").toBeGreaterThanOrEqual(2);
				await page.waitForSelector(`${tid("connection-indicator")}[data-state="idle"]`);
				const truth = await truthOf(languageRunId);
				expect(truth).toMatchObject({ status: "completed", passed: "5", failed: "0", remaining: "0" });
				await expect.poll(() => shownState(page)).toEqual(truth);
				expect(await page.textContent(`${tid("task-filter-passed")} .chip-count`)).toBe("5");
				expectNoConsoleErrors();
			},
			SLOW,
		);

		it(
			"shows a failed task's transcript, test output, diff and tool errors in the drawer",
			async () => {
				// A script is long to type into the settings editor, so it goes in through the API.
				const script = [
					{ text: "Reading the file first.", toolCalls: [{ name: "read_file", input: { path: "does_not_exist.py" } }] },
					{
						toolCalls: [
							{
								name: "write_to_file",
								input: {
									path: "roman_numerals.py",
									content: 'def to_roman(number):\n    return ""\n\n\ndef from_roman(numeral):\n    return 0\n',
								},
							},
						],
					},
				];
				const created = await api<CreateRunResponse>("/api/runs", {
					method: "POST",
					headers: { "Content-Type": "application/json" },
					body: JSON.stringify({
						model: "scripted",
						exercises: ["python/roman-numerals"],
						name: "e2e scripted failure",
						settings: { script },
						// Spans on the server's stderr: no collector needed for the task to get a trace id.
						otel: "console",
					}),
				});
				failedRunId = created.id;

				const page = await openPage();
				await page.goto(`/runs/${failedRunId}`);
				await waitForStatus(page, "completed");
				const row = page.locator(`${tid("task-row")}[data-status="failed"]`);
				await row.waitFor();
				failedTaskId = Number(await row.getAttribute("data-task-id"));
				expect(await page.textContent(tid("stat-failed"))).toBe("1");
				expect(await page.textContent(tid("stat-pass-rate"))).toBe("0%");
				expect(await row.locator(tid("failure-kind")).textContent()).toMatch(/test/i);

				await row.locator(tid("task-open")).click();
				const drawer = page.locator(`${tid("task-drawer")}[data-task-id="${failedTaskId}"]`);
				await drawer.waitFor();
				expect(await drawer.getAttribute("data-status")).toBe("failed");
				expect(await drawer.locator(tid("drawer-error")).textContent()).toMatch(/\d+ failed/);
				await drawer.locator(tid("drawer-phases")).waitFor();
				// A traced task shows its trace id, linked to the viewer the server names (EVALS_TRACE_URL).
				const trace = drawer.locator(tid("drawer-trace"));
				const traceId = await trace.getAttribute("data-trace-id");
				expect(traceId).toMatch(/^[0-9a-f]{32}$/);
				expect(await trace.locator("a").getAttribute("href")).toBe(`${TRACE_VIEWER}/${traceId}`);

				const transcript = drawer.locator(tid("drawer-transcript"));
				await transcript.waitFor();
				// The prompt the agent was given opens the transcript; it is not something the model said.
				const first = transcript.locator("[data-kind]").first();
				expect(await first.getAttribute("data-kind")).toBe("task");
				expect(await first.textContent()).toContain("Python programming exercise");
				const tools = transcript.locator('[data-kind="tool"]');
				await expect.poll(() => tools.count()).toBe(2);
				expect(await tools.nth(0).textContent()).toContain("read_file");
				expect(await tools.nth(1).textContent()).toContain("write_to_file");
				expect(await tools.nth(1).textContent()).toContain("roman_numerals.py");
				expect(await transcript.locator('[data-kind="error"]').textContent()).toContain("File not found");
				expect(await transcript.locator('[data-kind="text"] .msg-body').allTextContents()).toContain(
					"Reading the file first.",
				);
				await transcript.locator('[data-kind="completion"]').waitFor();

				await drawer.locator(tid("drawer-tab-tests")).click();
				await page.waitForURL(/tab=tests/);
				const tests = await drawer.locator(tid("drawer-test-output")).textContent();
				expect(tests).toContain("pytest");
				expect(tests).toMatch(/\d+ failed/);

				await drawer.locator(tid("drawer-tab-diff")).click();
				const diff = drawer.locator(tid("drawer-diff"));
				await diff.waitFor();
				expect(await diff.locator(".diff-files").textContent()).toContain("roman_numerals.py");
				expect(await diff.locator(".diff-add").allTextContents()).toContain('+    return ""\n');
				expect((await diff.locator(".diff-del").allTextContents()).join("")).toContain("NotImplementedError");

				await drawer.locator(tid("drawer-tab-errors")).click();
				expect(await drawer.locator(tid("drawer-tool-errors")).textContent()).toContain("read_file");

				// The drawer and its tab live in the URL, so a reload (or a shared link) opens the same view.
				await drawer.locator(tid("drawer-tab-diff")).click();
				await page.waitForURL(/tab=diff/);
				await page.reload();
				await page.locator(`${tid("task-drawer")} ${tid("drawer-diff")}`).waitFor();
				await page.keyboard.press("Escape");
				await page.locator(tid("task-drawer")).waitFor({ state: "detached" });
				expect(new URL(page.url()).search).toBe("");

				const detail = await api<TaskDetail>(`/api/tasks/${failedTaskId}`);
				expect(detail).toMatchObject({ status: "failed", failureKind: "test_failed" });
				expect(detail.toolErrors.map((error) => error.toolName)).toEqual(["read_file"]);
				expectNoConsoleErrors();
			},
			SLOW,
		);

		it("shows an unknown run as an error, not a blank page", async () => {
			const page = await openPage();
			await page.goto("/runs/999999");
			expect(await page.textContent(tid("error-banner"))).toContain("There is no run 999999");
			// The 404s asked for on purpose; Chromium logs each failed request as an error.
			expectNoConsoleErrors([/Failed to load resource: the server responded with a status of 404/]);
		});

		it(
			"compares the runs picked on the runs page and ranks them on the leaderboard",
			async () => {
				const page = await openPage();
				await page.goto("/");
				await page.waitForSelector(tid("runs-table"));
				await expect.poll(() => page.locator(tid("run-row")).count()).toBe(3);
				// The model filter goes to the API (an exact provider:model match) through the URL.
				await page.fill(tid("filter-model"), "scripted");
				await page.waitForURL(/\?model=scripted$/);
				await expect.poll(() => page.locator(tid("run-row")).count()).toBe(1);
				await page.fill(tid("filter-model"), "");
				await page.waitForURL(/\/$/);
				await expect.poll(() => page.locator(tid("run-row")).count()).toBe(3);
				// The first pick is the baseline: the oracle passed what the script then broke.
				for (const id of [oracleRunId, failedRunId]) {
					await page.check(`${tid("run-row")}[data-run-id="${id}"] ${tid("run-select")}`);
				}
				await page.click(tid("compare-button"));
				await page.waitForURL(new RegExp(`/compare\\?runs=${oracleRunId}(%2C|,)${failedRunId}$`));
				await page.waitForSelector(tid("compare-table"));
				expect(
					await page.$$eval(tid("compare-column"), (columns) =>
						columns.map((column) => column.getAttribute("data-run-id")),
					),
				).toEqual([String(oracleRunId), String(failedRunId)]);
				const roman = page.locator(tid("compare-row"), { hasText: "roman-numerals" });
				expect(await roman.getAttribute("data-changed")).toBe("true");
				expect(await roman.locator(`${tid("compare-cell")}[data-change="regressed"]`).count()).toBe(1);
				const luhn = page.locator(tid("compare-row"), { hasText: "luhn" });
				expect(await luhn.locator(tid("compare-cell")).nth(1).getAttribute("data-outcome")).toBe("missing");
				// The statistics over the one exercise both ran: one flip cannot decide anything.
				const card = page.locator(`${tid("comparison")}[data-run="${failedRunId}"]`);
				await card.waitFor();
				expect(await card.locator(tid("verdict")).textContent()).toMatch(/Too small to tell: -100\.0 pp/);
				expect(await card.locator(tid("pass-rate-difference")).textContent()).toBe("-100.0 pp [-100.0, -100.0]");
				expect(await card.locator(tid("flips")).textContent()).toContain("Broke: python/roman-numerals");

				await page.click('a.nav-link:has-text("Leaderboard")');
				await page.waitForURL(/\/leaderboard$/);
				// Offline models are hidden by default: every run here is one.
				await page.waitForSelector(tid("empty-state"));
				await page.check(tid("leaderboard-reference"));
				await page.waitForSelector(tid("leaderboard-table"));
				expect(await page.locator(tid("leaderboard-row")).count()).toBe(3);
				expect(
					await page.locator(`${tid("leaderboard-row")}[data-run-id="${failedRunId}"] .subtle`).textContent(),
				).toContain("scripted · builtin");
				const canvas = page.locator(`${tid("cost-score-chart")} canvas`);
				await canvas.waitFor();
				const box = await canvas.boundingBox();
				expect(box?.width).toBeGreaterThan(200);
				expect(box?.height).toBeGreaterThan(100);
				// Chart.js drew into it: some pixels are not transparent.
				expect(
					await canvas.evaluate((element) => {
						const canvas = element as HTMLCanvasElement;
						const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
						let opaque = 0;
						for (let index = 3; index < pixels.length; index += 4) if ((pixels[index] ?? 0) > 0) opaque++;
						return opaque;
					}),
				).toBeGreaterThan(1000);
				expectNoConsoleErrors();
			},
			SLOW,
		);

		it(
			"keeps the theme chosen with the toggle across a reload",
			async () => {
				const page = await openPage({ colorScheme: "light" });
				await page.goto("/");
				const toggle = page.locator(tid("theme-toggle"));
				expect(await toggle.getAttribute("data-theme-choice")).toBe("system");
				await toggle.click();
				await toggle.click();
				expect(await toggle.getAttribute("data-theme-choice")).toBe("dark");
				expect(await page.getAttribute("html", "data-theme")).toBe("dark");
				await page.reload();
				await page.waitForSelector(tid("runs-table"));
				expect(await page.getAttribute("html", "data-theme")).toBe("dark");
				expect(await isDark(page)).toBe(true);
				await page.click(tid("theme-toggle"));
				expect(await page.getAttribute("html", "data-theme")).toBeNull();
				expect(await isDark(page)).toBe(false);
				expectNoConsoleErrors();
			},
			SLOW,
		);

		it("renders every page at desktop and phone widths, light and dark, without console errors", async () => {
			const pages: { name: string; open: (page: Page) => Promise<void>; fullPage?: false }[] = [
				{
					name: "runs",
					open: async (page) => {
						await page.goto("/");
						await expect.poll(() => page.locator(tid("run-row")).count()).toBe(3);
					},
				},
				{
					name: "new-run",
					open: async (page) => {
						await page.goto("/runs/new");
						await page.locator("label.segment", { hasText: "Pick exercises" }).click();
						await page.fill(tid("exercise-search"), "roman");
						await page.check(`${tid("exercise-option")}[value="python/roman-numerals"]`);
						await page.fill(tid("exercise-search"), "");
						await expect.poll(() => page.textContent(tid("planned-tasks"))).toBe("1 task will run");
					},
				},
				{
					name: "run",
					open: async (page) => {
						await page.goto(`/runs/${languageRunId}`);
						await waitForStatus(page, "completed");
						await page.waitForSelector(tid("task-table"));
					},
				},
				{
					name: "task-drawer",
					open: async (page) => {
						await page.goto(`/runs/${failedRunId}?task=${failedTaskId}`);
						await page.locator(`${tid("drawer-transcript")} [data-kind="completion"]`).waitFor();
					},
					// The drawer is a fixed overlay: below the fold a full-page shot shows only the page under it.
					fullPage: false,
				},
				{
					name: "compare",
					open: async (page) => {
						await page.goto(`/compare?runs=${oracleRunId},${failedRunId}`);
						await page.waitForSelector(tid("compare-table"));
						await page.waitForSelector(tid("significance"));
					},
				},
				{
					name: "leaderboard",
					open: async (page) => {
						await page.goto("/leaderboard?reference=1");
						await page.waitForSelector(`${tid("cost-score-chart")} canvas`);
						await page.waitForSelector(tid("leaderboard-table"));
					},
				},
			];
			const viewports = [
				{ width: 1280, height: 800 },
				{ width: 390, height: 844 },
			];
			const overflow: string[] = [];
			for (const viewport of viewports) {
				for (const colorScheme of ["light", "dark"] as const) {
					const page = await openPage({ ...viewport, colorScheme });
					for (const { name, open, fullPage } of pages) {
						await open(page);
						await page.waitForSelector(`${tid("api-health")}[data-ok="true"]`);
						expect(await isDark(page), `${name} in ${colorScheme}`).toBe(colorScheme === "dark");
						// A page wider than a phone scrolls sideways as a whole; wide tables must scroll inside their card.
						const width = await page.evaluate(() => document.documentElement.scrollWidth);
						if (width > viewport.width) overflow.push(`${name} at ${viewport.width}px is ${width}px wide`);
						// A full-page capture paints the sticky top bar where the page was scrolled to.
						await page.evaluate(() => window.scrollTo(0, 0));
						await page.screenshot({
							path: path.join(shotsDir, `${name}-${viewport.width}x${viewport.height}-${colorScheme}.png`),
							fullPage: fullPage ?? true,
							animations: "disabled",
						});
					}
					await page.context().close();
				}
			}
			expect(overflow).toEqual([]);
			expectNoConsoleErrors();
		}, 120_000);

		it(
			"shows an MCP A/B run: its servers, the MCP tab, each call's timing in the drawer, and the pair to compare",
			async () => {
				const everything = createRequire(import.meta.url).resolve(
					"@modelcontextprotocol/server-everything/dist/index.js",
				);
				const script = [
					{
						toolCalls: [
							{
								name: "use_mcp_tool",
								input: {
									server_name: "everything",
									tool_name: "echo",
									arguments: { message: "from the dashboard test" },
								},
							},
						],
					},
				];
				const created = await api<CreateRunResponse>("/api/runs", {
					method: "POST",
					headers: { "Content-Type": "application/json" },
					body: JSON.stringify({
						model: "scripted",
						exercises: ["python/roman-numerals"],
						name: "e2e mcp",
						settings: { script },
						mcp: {
							config: { mcpServers: { everything: { command: process.execPath, args: [everything, "stdio"] } } },
							userIntent: "echo messages back",
							ab: true,
						},
					}),
				});
				expect(created.baselineId).toEqual(expect.any(Number));

				const page = await openPage();
				await page.goto(`/runs/${created.id}`);
				await waitForStatus(page, "completed");
				expect(await page.textContent(tid("run-mcp"))).toMatch(/MCP\s*everything/);
				expect(await page.textContent(tid("run-user-intent"))).toMatch(/echo messages back/);
				expect(await page.getAttribute(tid("compare-run"), "href")).toBe(
					`/compare?runs=${created.id},${created.baselineId}`,
				);

				await page.click(tid("view-mcp"));
				expect(new URL(page.url()).searchParams.get("view")).toBe("mcp");
				const server = page.locator(`${tid("mcp-server-row")}[data-server="everything"]`);
				await server.waitFor();
				expect(await server.locator('[data-label="Calls"]').textContent()).toBe("1");
				expect(await server.locator('[data-label="Most used"]').textContent()).toBe("echo ×1");
				await page.screenshot({ path: path.join(shotsDir, "run-mcp-1280x800-light.png"), fullPage: true });

				// From the MCP tab to the task: the call is in the transcript with its timing and size.
				await page
					.locator(`${tid("mcp-task-row")} button`)
					.first()
					.click();
				const drawer = page.locator(tid("task-drawer"));
				await drawer.waitFor();
				const meta = drawer.locator(`${tid("drawer-transcript")} ${tid("mcp-meta")}`);
				await meta.first().waitFor();
				expect(await meta.first().textContent()).toMatch(/\d+(\.\d+)? (ms|s) · \d+(\.\d)? (B|kB)/);

				// The baseline arm has no MCP servers, and says so.
				await page.goto(`/runs/${created.baselineId}`);
				await waitForStatus(page, "completed");
				expect(await page.textContent(tid("run-arm"))).toMatch(/baseline \(no MCP\)/);
				expect(await page.locator(tid("view-mcp")).count()).toBe(0);
				expectNoConsoleErrors();
			},
			SLOW * 2,
		);

		it(
			"takes settings, a system prompt, a task prompt and tries in the form, puts the server's message on the setting, and shows pass@try",
			async () => {
				const page = await openPage();
				await page.goto("/runs/new");
				await page.waitForSelector(tid("new-run-form"));
				await page.selectOption(tid("field-provider"), "oracle");
				await page.locator("label.segment", { hasText: "Pick exercises" }).click();
				await page.fill(tid("exercise-search"), "python roman");
				await page.check(`${tid("exercise-option")}[value="python/roman-numerals"]`);
				await page.fill(tid("field-settings"), "{ not json");
				await page.click(tid("submit-run"));
				expect(await page.textContent(tid("field-error-settings"))).toMatch(/^Not valid JSON/);
				// The key is checked by the server; its message lands on the field it is about.
				await page.fill(tid("field-settings"), '{"modelTemprature": 0}');
				await page.click(tid("submit-run"));
				await expect
					.poll(() => page.textContent(tid("field-error-settings")))
					.toBe(
						'Unknown setting "modelTemprature" (did you mean "modelTemperature"?). Settings use Roo Code\'s key names.',
					);
				expect(new URL(page.url()).pathname).toBe("/runs/new");

				await page.fill(tid("field-settings"), '{"modelTemperature": 0}');
				await page.fill(tid("field-tries"), "2");
				await page.fill(tid("field-system-prompt"), "Prefer small functions.");
				await page.click(`${tid("task-prompts")} > summary`);
				await page.fill(tid("field-prompt-python"), "Implement roman_numerals.py; keep the tests as they are.");
				await page.check(tid("field-fresh-agent"));
				await page.click(tid("submit-run"));
				await page.waitForURL(/\/runs\/\d+$/);
				await waitForStatus(page, "completed");
				expect(await page.textContent(tid("run-agent"))).toContain("a process per task");
				const options = page.locator(tid("run-options"));
				await options.locator("summary").click();
				const text = await options.textContent();
				expect(text).toContain("modelTemperature0");
				expect(text).toContain("tries2");
				expect(text).toMatch(/system prompt23 characters, sha256 [0-9a-f]{12}/);
				expect(text).toMatch(/python prompt\d+ characters, sha256 [0-9a-f]{12}/);

				// A scripted first try that fails and a second that passes: the page says pass@try1 and pass@try2.
				const solution = readFileSync(
					path.join(repoRoot, "exercises", "python", "roman-numerals", ".meta", "solution", "roman_numerals.py"),
					"utf8",
				);
				const write = (content: string) => ({
					toolCalls: [{ name: "write_to_file", input: { path: "roman_numerals.py", content } }],
				});
				const done = { toolCalls: [{ name: "attempt_completion", input: { result: "done" } }] };
				const created = await api<CreateRunResponse>("/api/runs", {
					method: "POST",
					headers: { "Content-Type": "application/json" },
					body: JSON.stringify({
						model: "scripted",
						exercises: ["python/roman-numerals"],
						name: "e2e tries",
						tries: 2,
						settings: {
							script: [
								write('def to_roman(number):\n    return ""\n\n\ndef from_roman(numeral):\n    return 0\n'),
								done,
								write(solution),
								done,
							],
						},
					}),
				});
				await page.goto(`/runs/${created.id}`);
				await waitForStatus(page, "completed");
				expect(await page.textContent(tid("stat-passed"))).toBe("1");
				expect(await page.textContent(tid("pass-at-try"))).toBe("pass@try1 0% · pass@try2 100%");
				// The leaderboard scores the last try and says the first.
				await page.goto("/leaderboard");
				await page.check(tid("leaderboard-reference"));
				const row = page.locator(`${tid("leaderboard-row")}[data-run-id="${created.id}"]`);
				await row.waitFor();
				expect(await row.locator(tid("pass-rate-first-try")).textContent()).toBe("try 1: 0%");
				// The 400 asked for on purpose; Chromium logs each failed request as an error.
				expectNoConsoleErrors([/status of 400 \(Bad Request\) \(http:\/\/[^)]+\/api\/runs\)/]);
			},
			SLOW * 2,
		);

		it(
			"takes observer options in the form, shows live findings with their evidence, and applies and dismisses recommendations",
			async () => {
				const page = await openPage();
				await page.goto("/runs/new");
				await page.waitForSelector(tid("new-run-form"));
				await page.selectOption(tid("field-provider"), "oracle");
				await page.locator("label.segment", { hasText: "Pick exercises" }).click();
				await page.fill(tid("exercise-search"), "python roman");
				await page.check(`${tid("exercise-option")}[value="python/roman-numerals"]`);
				// A budget nobody watches would mislead: the form asks for a level first.
				await page.fill(tid("field-budget"), "5");
				await page.click(tid("submit-run"));
				expect(await page.textContent(tid("field-error-observer"))).toBe(
					"Choose an observer level: the budget and steering need the observer",
				);
				await page.selectOption(tid("field-observer-level"), "basic");
				await page.click(tid("submit-run"));
				await page.waitForURL(/\/runs\/\d+$/);
				await waitForStatus(page, "completed");
				const panel = page.locator(tid("observer-panel"));
				await panel.waitFor();
				expect(await panel.locator(tid("observer-mode")).textContent()).toMatch(
					/^basic · monitor-only · insights store/,
				);
				expect(await panel.locator(tid("observer-budget-spent")).textContent()).toMatch(/ of \$5(\.00)? spent \(0%\)$/);
				expect(await panel.locator(tid("observer-no-findings")).count()).toBe(1);

				// Two tasks reading the same file again and again: a loop each, and a cancel_task for each.
				const again = { toolCalls: [{ name: "read_file", input: { path: "roman_numerals.py" } }], delayMs: 300 };
				const created = await api<CreateRunResponse>("/api/runs", {
					method: "POST",
					headers: { "Content-Type": "application/json" },
					body: JSON.stringify({
						model: "scripted",
						exercises: ["python/roman-numerals"],
						name: "e2e observer",
						iterations: 2,
						concurrency: 2,
						settings: {
							script: [
								...Array.from({ length: 60 }, () => again),
								{ toolCalls: [{ name: "attempt_completion", input: { result: "done" } }] },
							],
						},
						observer: { level: "full", steering: "suggest", config: { intervalSeconds: 0.5 } },
					}),
				});
				await page.goto(`/runs/${created.id}`);
				const recommendations = page.locator(`${tid("observer-recommendation")}[data-status="pending"]`);
				// Live: they arrive over the stream while the run is still running.
				await expect.poll(() => recommendations.count(), { timeout: SLOW }).toBe(2);
				expect(await page.getAttribute(`.title-row ${tid("run-status")}`, "data-status")).toBe("running");
				const findings = page.locator(`${tid("observer-finding")}[data-detector="loop"]`);
				expect(await findings.count()).toBe(2);
				const finding = findings.first();
				expect(await finding.locator(tid("finding-values")).textContent()).toMatch(
					/^detected \d+ calls · expected 1 calls · threshold 5 calls$/,
				);
				await finding.locator(`${tid("finding-evidence")} > summary`).click();
				expect(await finding.locator(tid("finding-evidence")).textContent()).toContain("read_file");
				// The evidence links into the task drawer.
				const taskLink = finding.locator(tid("finding-task")).first();
				const taskId = await taskLink.getAttribute("data-task-id");
				await taskLink.click();
				await page.locator(tid("task-drawer")).waitFor();
				expect(new URL(page.url()).searchParams.get("task")).toBe(taskId);
				await page.keyboard.press("Escape");

				const ids = await Promise.all(
					[0, 1].map((index) => recommendations.nth(index).getAttribute("data-recommendation-id")),
				);
				const [first, second] = [ids[0] ?? null, ids[1] ?? null];
				const byId = (id: string | null) =>
					page.locator(`${tid("observer-recommendation")}[data-recommendation-id="${id}"]`);
				await byId(first).locator(tid("recommendation-apply")).click();
				// Applying cancels a running task: seconds on a loaded machine, not vitest's default second.
				await expect.poll(() => byId(first).getAttribute("data-status"), { timeout: SLOW }).toBe("applied");
				expect(await byId(first).locator(tid("recommendation-status")).textContent()).toBe("applied by human");
				expect(await byId(first).locator(tid("recommendation-outcome")).textContent()).toMatch(
					/^task \d+ cancelled \(was running\)/,
				);
				await byId(second).locator(tid("recommendation-dismiss")).click();
				await expect.poll(() => byId(second).getAttribute("data-status"), { timeout: SLOW }).toBe("ignored");
				expect(await byId(second).locator(tid("recommendation-apply")).count()).toBe(0);

				await waitForStatus(page, "completed");
				// What the page shows is what the tables hold.
				const view = await api<ObserverView>(`/api/runs/${created.id}/observer`);
				expect(view.recommendations.map((r) => [String(r.id), r.status, r.appliedBy])).toEqual([
					[first, "applied", "human"],
					[second, "ignored", "human"],
				]);
				expect(view.session).toMatchObject({ status: "ended", appliedCount: 1 });
				await page.evaluate(() => window.scrollTo(0, 0));
				await page.screenshot({ path: path.join(shotsDir, "run-observer-1280x800-light.png"), fullPage: true });
				// Evidence is long monospace text: on a phone it wraps inside the panel, not past the screen.
				const phone = await openPage({ width: 390, height: 844, colorScheme: "dark" });
				await phone.goto(`/runs/${created.id}`);
				await phone
					.locator(`${tid("observer-finding")} ${tid("finding-evidence")} > summary`)
					.first()
					.click();
				expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
				await phone.screenshot({ path: path.join(shotsDir, "run-observer-390x844-dark.png"), fullPage: true });
				expectNoConsoleErrors();
			},
			SLOW * 3,
		);

		it(
			"pauses a run at its budget from the Observer panel and resumes it with a larger one",
			async () => {
				// Each task costs $1 (a million input tokens at $1 per million): a $2.50 budget breaks on the third.
				const solution = readFileSync(
					path.join(repoRoot, "exercises", "python", "roman-numerals", ".meta", "solution", "roman_numerals.py"),
					"utf8",
				);
				const solve = {
					toolCalls: [{ name: "write_to_file", input: { path: "roman_numerals.py", content: solution } }],
				};
				const expensive = {
					toolCalls: [{ name: "attempt_completion", input: { result: "done" } }],
					usage: { inputTokens: 1_000_000, outputTokens: 0 },
					delayMs: 800,
				};
				const created = await api<CreateRunResponse>("/api/runs", {
					method: "POST",
					headers: { "Content-Type": "application/json" },
					body: JSON.stringify({
						model: "scripted",
						exercises: ["python/roman-numerals"],
						name: "e2e budget",
						iterations: 5,
						concurrency: 1,
						settings: { script: [solve, expensive], modelInfo: { inputPrice: 1, outputPrice: 0 } },
						observer: { level: "basic", steering: "suggest", budgetUsd: 2.5, config: { intervalSeconds: 0.5 } },
					}),
				});
				const page = await openPage();
				await page.goto(`/runs/${created.id}`);
				const pause = page.locator(`${tid("observer-recommendation")}[data-type="pause_run"][data-status="pending"]`);
				await pause.waitFor({ timeout: SLOW });
				expect(await page.getAttribute(tid("observer-budget"), "data-tone")).toBe("bad");
				expect(await page.textContent(tid("observer-budget-projected"))).toMatch(/^ · projected \$\d+\.\d\d \(\$/);
				await pause.locator(tid("recommendation-apply")).click();
				await waitForStatus(page, "paused");
				// Nothing lost: what ran keeps its verdict, the rest waits (the stopped attempt goes back to pending
				// just after the run is marked paused).
				await expect
					.poll(
						async () => {
							const { tasks } = await api<TaskList>(`/api/runs/${created.id}/tasks`);
							return [...new Set(tasks.map((task) => task.status))].sort();
						},
						{ timeout: SLOW },
					)
					.toEqual(["passed", "pending"]);

				await page.fill(tid("resume-budget"), "0");
				await page.click(tid("resume-run"));
				await expect
					.poll(() => page.locator(".toast").allTextContents())
					.toEqual(expect.arrayContaining([expect.stringContaining("The new budget must be a number of USD above 0")]));
				expect(await page.getAttribute(`.title-row ${tid("run-status")}`, "data-status")).toBe("paused");
				await page.fill(tid("resume-budget"), "50");
				await page.click(tid("resume-run"));
				await waitForStatus(page, "completed");
				const done = await api<TaskList>(`/api/runs/${created.id}/tasks`);
				expect(done.tasks.map((task) => task.status)).toEqual(Array(5).fill("passed"));
				await expect
					.poll(async () => (await api<ObserverView>(`/api/runs/${created.id}/observer`)).session?.budgetUsd)
					.toBe(50);
				expectNoConsoleErrors();
			},
			SLOW * 3,
		);
	},
);

/** Whether the page's background is dark, whatever made it so (system preference or the toggle). */
function isDark(page: Page): Promise<boolean> {
	return page.evaluate(() => {
		const match = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(document.body).backgroundColor);
		if (!match) return false;
		const [red, green, blue] = match.slice(1).map(Number) as [number, number, number];
		return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 128;
	});
}
