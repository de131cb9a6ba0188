/**
 * Harness overhead of `evals run`: the same tasks (every exercise of the chosen languages in the
 * bundled suite) run
 *   (a) through the harness: `evals run --json --all -i <languages> -c P` with the offline oracle
 *       model (fresh workspace + git baseline, evals-agent child process over IPC, the oracle writes
 *       the reference solution, pristine tests restored, graded with the language's test command);
 *   (b) bare: the exercise copied without .meta to a temp folder, the reference solution copied over
 *       the stubs, the language's test command run, with the same parallelism P.
 * Per task, overhead = harness task duration (start to verdict, `durationMs` of `evals run --json`)
 * minus the bare time of the same task. Before measuring, both are run once untimed, so the go and
 * cargo build caches, the OS file cache, pytest's and npm's own start-up are warm for both.
 * Phase timings (workspaceMs, agentStartMs, agentMs, gradeMs) come from the tasks table of the
 * run's embedded database.
 *
 *   npm run bench:overhead -- [--parallel P] [--iterations N] [--languages list] [--java] [--json]
 *
 * Needs the built packages (`npm run build`) and python3 + pytest, node/npm, go and cargo on PATH.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SUITE = join(ROOT, "exercises");
const EVALS_CLI = join(ROOT, "packages", "evals", "dist", "cli", "main.js");
const EVALS_LIB = join(ROOT, "packages", "evals", "dist", "index.js");
const SPAWNER_CLIENT = join(ROOT, "packages", "evals", "dist", "spawner", "client.js");
const SPAWNER_COMMAND = join(ROOT, "packages", "evals", "dist", "spawner", "command.js");
const AGENT_CLI = join(ROOT, "packages", "agent", "dist", "cli.js");

/** The grading command of each language, as a user would type it in the exercise folder. */
const COMMANDS = {
	python: "python3 -m pytest -o markers=task *_test.py",
	javascript: "npm test",
	go: "go test ./...",
	rust: "cargo test -- --include-ignored",
	java: "mvn -q -B test",
};
const TOOLS = { python: "python3", javascript: "npm", go: "go", rust: "cargo", java: "mvn" };
const DEFAULT_LANGUAGES = ["python", "javascript", "go", "rust"];
/*
 * Variables the harness gives every grading command too: no colours, no prompts, no npm update
 * check. They are about the tools, not the harness, so the bare commands get them as well.
 */
const QUIET_ENV = {
	CI: "1",
	NO_COLOR: "1",
	TERM: "dumb",
	npm_config_update_notifier: "false",
	npm_config_fund: "false",
	npm_config_audit: "false",
};
const BARE_TIMEOUT_MS = 300_000;
const PHASES = ["workspaceMs", "agentStartMs", "agentMs", "gradeMs"];

const USAGE = `usage: npm run bench:overhead -- [options]
  --parallel P        tasks at a time, for the harness (-c P) and the bare runs   (default 2)
  --iterations N      measured rounds; each is one harness run and one bare pass (default 1)
  --languages list    comma-separated languages of the bundled suite   (default ${DEFAULT_LANGUAGES.join(",")})
  --java              add java (Maven; slow)
  --skip-warmup       no untimed warm-up round (numbers then include cold caches)
  --json              print the results as JSON instead of tables
  --help`;

const live = new Set();
const scratch = new Set();

function cleanUp() {
	for (const child of live) {
		try {
			process.kill(-child.pid, "SIGKILL");
		} catch {}
	}
	live.clear();
}
process.on("exit", cleanUp);
for (const [signal, number] of [
	["SIGINT", 2],
	["SIGTERM", 15],
	["SIGHUP", 1],
]) {
	process.on(signal, async () => {
		cleanUp();
		await Promise.all([...scratch].map((dir) => rm(dir, { recursive: true, force: true })));
		process.exit(128 + number);
	});
}

function parseOptions(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			parallel: { type: "string" },
			iterations: { type: "string" },
			languages: { type: "string" },
			java: { type: "boolean", default: false },
			"skip-warmup": { type: "boolean", default: false },
			json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const count = (flag, fallback, min, max) => {
		const raw = values[flag];
		if (raw === undefined) return fallback;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} must be an integer ${min}-${max}`);
		return n;
	};
	const languages = values.languages
		? values.languages
				.split(",")
				.map((l) => l.trim())
				.filter(Boolean)
		: [...DEFAULT_LANGUAGES];
	if (values.java && !languages.includes("java")) languages.push("java");
	for (const language of languages) {
		if (!(language in COMMANDS)) throw new Error(`unknown language "${language}": use ${Object.keys(COMMANDS)}`);
	}
	return {
		parallel: count("parallel", 2, 1, 25),
		iterations: count("iterations", 1, 1, 100),
		languages: [...new Set(languages)].sort(),
		warmup: !values["skip-warmup"],
		json: values.json,
	};
}

// ---------------------------------------------------------------------------------------------
// Tasks

/** Every exercise of the languages, in the order `evals run` queues them (language, then name). */
async function discoverTasks(languages) {
	const tasks = [];
	for (const language of languages) {
		const dir = join(SUITE, language);
		const names = (await readdir(dir, { withFileTypes: true }))
			.filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, ".meta", "config.json")))
			.map((entry) => entry.name)
			.sort();
		for (const name of names) {
			const exerciseDir = join(dir, name);
			const config = JSON.parse(await readFile(join(exerciseDir, ".meta", "config.json"), "utf8"));
			const examples = config.files?.example ?? [];
			const solution = examples.filter((file) => file.startsWith(".meta/solution/"));
			if (solution.length === 0 || solution.length !== examples.length) {
				throw new Error(`${language}/${name}: expected the reference solution under .meta/solution/`);
			}
			tasks.push({
				key: `${language}/${name}`,
				language,
				name,
				dir: exerciseDir,
				reference: solution.map((from) => ({ from, to: from.slice(".meta/solution/".length) })),
			});
		}
	}
	return tasks;
}

// Build output is never copied into a harness workspace either (see exercises/files.ts).
const SKIP_ANYWHERE = new Set(["node_modules", "__pycache__", ".gradle", ".pytest_cache", ".git", ".meta"]);
const SKIP_AT_TOP = new Set(["target", "build"]);

async function copyExercise(from, to, top = true) {
	await mkdir(to, { recursive: true });
	for (const entry of await readdir(from, { withFileTypes: true })) {
		if (entry.isDirectory()) {
			if (SKIP_ANYWHERE.has(entry.name) || (top && SKIP_AT_TOP.has(entry.name))) continue;
			await copyExercise(join(from, entry.name), join(to, entry.name), false);
		} else if (entry.isFile()) {
			await copyFile(join(from, entry.name), join(to, entry.name));
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Runs a command to completion; never rejects. `ms` is spawn to exit. */
function runProcess(command, args, { cwd, env, timeoutMs = BARE_TIMEOUT_MS, capture = true } = {}) {
	return new Promise((resolve) => {
		const started = performance.now();
		const startedAt = Date.now();
		const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
		live.add(child);
		const out = [];
		const err = [];
		child.stdout.on("data", (chunk) => capture && out.push(chunk));
		child.stderr.on("data", (chunk) => err.push(chunk));
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, "SIGKILL");
			} catch {}
		}, timeoutMs);
		const done = (code, signal, error) => {
			clearTimeout(timer);
			live.delete(child);
			resolve({
				code,
				signal,
				error,
				ms: performance.now() - started,
				startedAt,
				endedAt: Date.now(),
				stdout: Buffer.concat(out).toString("utf8"),
				stderr: Buffer.concat(err).toString("utf8"),
			});
		};
		child.once("error", (error) => done(null, null, error));
		child.once("close", (code, signal) => done(code, signal));
	});
}

async function pool(items, parallel, work) {
	const results = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
	return results;
}

// ---------------------------------------------------------------------------------------------
// (b) bare

async function bareTask(task, root) {
	const started = performance.now();
	const dir = await mkdtemp(join(root, `${task.language}-${task.name}-`));
	await copyExercise(task.dir, dir);
	for (const file of task.reference) {
		await mkdir(dirname(join(dir, file.to)), { recursive: true });
		await copyFile(join(task.dir, file.from), join(dir, file.to));
	}
	const copiedMs = performance.now() - started;
	const result = await runProcess("/bin/sh", ["-c", COMMANDS[task.language]], {
		cwd: dir,
		env: { ...process.env, ...QUIET_ENV },
	});
	const wallMs = performance.now() - started;
	await rm(dir, { recursive: true, force: true }); // not timed: the harness deletes after its finishedAt too
	return {
		key: task.key,
		passed: result.code === 0,
		wallMs,
		copyMs: copiedMs,
		commandMs: result.ms,
		output: result.code === 0 ? undefined : `${result.stdout}${result.stderr}`.slice(-2000),
	};
}

async function runBare(tasks, parallel) {
	const root = await mkdtemp(join(tmpdir(), "bench-overhead-bare-"));
	scratch.add(root);
	try {
		const started = performance.now();
		const results = await pool(tasks, parallel, (task) => bareTask(task, root));
		return { wallMs: performance.now() - started, tasks: results };
	} finally {
		await rm(root, { recursive: true, force: true });
		scratch.delete(root);
	}
}

// ---------------------------------------------------------------------------------------------
// (a) harness

async function runHarness(options) {
	const home = await mkdtemp(join(tmpdir(), "bench-overhead-evals-"));
	scratch.add(home);
	try {
		const args = [
			EVALS_CLI,
			"run",
			"--json",
			"--all",
			"-i",
			options.languages.join(","),
			"-c",
			String(options.parallel),
		];
		const env = { ...process.env, EVALS_HOME: home };
		delete env.DATABASE_URL; // always the embedded database in the fresh EVALS_HOME
		delete env.REDIS_URL;
		delete env.EVALS_DEBUG;
		const result = await runProcess(process.execPath, args, { env, timeoutMs: 30 * 60_000 });
		let report;
		try {
			report = JSON.parse(result.stdout);
		} catch {
			throw new Error(
				`evals run printed no JSON (exit ${result.code ?? result.signal}):\n${result.stderr.slice(-3000)}`,
			);
		}
		const stored = await readStore(home, report.runId);
		const byKey = new Map(stored.tasks.map((task) => [`${task.language}/${task.exercise}`, task]));
		const tasks = report.tasks.map((task) => {
			const key = `${task.language}/${task.exercise}`;
			const row = byKey.get(key);
			return {
				key,
				passed: task.passed === true,
				failureKind: task.failureKind,
				durationMs: task.durationMs,
				attempt: row?.attempt ?? null,
				queueWaitMs: row?.queueWaitMs ?? null,
				phases: row?.phaseTimings ?? {},
				error: task.passed === true ? undefined : (row?.error ?? undefined),
			};
		});
		const run = stored.run;
		const ms = (date) => (date ? new Date(date).getTime() : null);
		return {
			wallMs: result.ms,
			exitCode: result.code,
			// Process start → run started: Node start, imports, database created and migrated, suite loaded.
			startupMs: ms(run.startedAt) - result.startedAt,
			// Process start → run row inserted (the rest of start-up is execute() setting the run up).
			untilCreatedMs: ms(run.createdAt) - result.startedAt,
			// First task queued → run finished.
			executeMs: ms(run.finishedAt) - ms(run.startedAt),
			// Run finished → process exited: the report, closing the database.
			shutdownMs: result.endedAt - ms(run.finishedAt),
			tasks,
		};
	} finally {
		await rm(home, { recursive: true, force: true });
		scratch.delete(home);
	}
}

/**
 * The run and its tasks (with phase timings) from the embedded database `evals run` left behind.
 * Read in a child process: PGlite makes a process big (~800 MB resident), and every later spawn
 * from a big process is slower, which would slow down the bare runs started from this one.
 */
async function readStore(home, runId) {
	const script = `
		const { openDatabase, Store } = await import(${JSON.stringify(EVALS_LIB)});
		const database = await openDatabase({ evalsHome: process.env.EVALS_HOME });
		try {
			const store = new Store(database);
			const runId = Number(process.argv[1]);
			process.stdout.write(JSON.stringify({ run: await store.runs.get(runId), tasks: await store.tasks.list(runId) }));
		} finally {
			await database.close();
		}`;
	const env = { ...process.env, EVALS_HOME: home };
	const result = await runProcess(process.execPath, ["--input-type=module", "-e", script, String(runId)], {
		env,
		timeoutMs: 120_000,
	});
	if (result.code !== 0) throw new Error(`cannot read the run from ${home}: ${result.stderr.slice(-2000)}`);
	return JSON.parse(result.stdout);
}

// ---------------------------------------------------------------------------------------------
// Statistics and output

function median(values) {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest rank: the smallest value at least `p` of the values are at or below. */
function percentile(values, p) {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

const fmtMs = (value) => (value === null || value === undefined ? "-" : `${Math.round(value)} ms`);
const fmtS = (value) => `${(value / 1000).toFixed(2)} s`;

/** `align`: one letter per column, "l" or "r"; default: the first column left, the others right. */
function table(headers, rows, align = "") {
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
	const left = (i) => (align[i] ?? (i === 0 ? "l" : "r")) === "l";
	const line = (cells) =>
		cells
			.map((cell, i) => (left(i) ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
			.join("  ")
			.trimEnd();
	return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function summarize(options, tasks, rounds, startup, loadAtStart, version) {
	const pairs = [];
	for (const [round, { harness, bare }] of rounds.entries()) {
		const bareByKey = new Map(bare.tasks.map((task) => [task.key, task]));
		for (const task of harness.tasks) {
			const b = bareByKey.get(task.key);
			if (!b || task.durationMs === null) continue;
			pairs.push({
				round: round + 1,
				key: task.key,
				language: task.key.split("/")[0],
				harnessMs: task.durationMs,
				bareMs: b.wallMs,
				bareCommandMs: b.commandMs,
				overheadMs: task.durationMs - b.wallMs,
				gradeOverheadMs: task.phases.gradeMs === undefined ? null : task.phases.gradeMs - b.commandMs,
				phases: task.phases,
				otherMs: task.durationMs - PHASES.reduce((sum, phase) => sum + (task.phases[phase] ?? 0), 0),
				harnessPassed: task.passed,
				barePassed: b.passed,
			});
		}
	}
	const overheads = pairs.map((pair) => pair.overheadMs);
	const sum = (pick) => rounds.reduce((total, round) => total + pick(round), 0);
	const harnessWall = sum((r) => r.harness.wallMs);
	const bareWall = sum((r) => r.bare.wallMs);
	const harnessExecute = sum((r) => r.harness.executeMs);
	const phaseMedians = Object.fromEntries(
		[...PHASES, "otherMs"].map((phase) => [
			phase,
			median(pairs.map((pair) => (phase === "otherMs" ? pair.otherMs : pair.phases[phase])).filter((v) => v != null)),
		]),
	);
	const perTask = tasks.map((task) => {
		const mine = pairs.filter((pair) => pair.key === task.key);
		const m = (pick) => median(mine.map(pick).filter((v) => v != null));
		return {
			key: task.key,
			bareMs: m((p) => p.bareMs),
			harnessMs: m((p) => p.harnessMs),
			overheadMs: m((p) => p.overheadMs),
			workspaceMs: m((p) => p.phases.workspaceMs),
			agentStartMs: m((p) => p.phases.agentStartMs),
			agentMs: m((p) => p.phases.agentMs),
			gradeMs: m((p) => p.phases.gradeMs),
			gradeOverheadMs: m((p) => p.gradeOverheadMs),
			otherMs: m((p) => p.otherMs),
			passed: mine.length > 0 && mine.every((p) => p.harnessPassed && p.barePassed),
		};
	});
	const perLanguage = options.languages.map((language) => {
		const mine = pairs.filter((pair) => pair.language === language);
		return {
			language,
			tasks: mine.length,
			bareMs: median(mine.map((p) => p.bareMs)),
			harnessMs: median(mine.map((p) => p.harnessMs)),
			overheadMs: median(mine.map((p) => p.overheadMs)),
		};
	});
	const failures = [];
	for (const [round, { harness, bare }] of rounds.entries()) {
		for (const task of harness.tasks.filter((t) => !t.passed)) {
			failures.push({ round: round + 1, kind: "harness", key: task.key, detail: `${task.failureKind}: ${task.error}` });
		}
		for (const task of bare.tasks.filter((t) => !t.passed)) {
			failures.push({ round: round + 1, kind: "bare", key: task.key, detail: task.output });
		}
		if (harness.exitCode !== 0) {
			failures.push({
				round: round + 1,
				kind: "harness",
				key: "(run)",
				detail: `evals run exited ${harness.exitCode}`,
			});
		}
	}
	return {
		machine: {
			cores: availableParallelism(),
			cpu: cpus()[0]?.model ?? "unknown",
			node: process.version,
			platform: `${process.platform} ${process.arch}`,
			loadavgAtStart: loadAtStart,
			loadavgAtEnd: loadavg().map((v) => Number(v.toFixed(2))),
		},
		version,
		options,
		commands: Object.fromEntries(options.languages.map((language) => [language, COMMANDS[language]])),
		tasks: tasks.length,
		pairs: pairs.length,
		overhead: {
			medianMs: median(overheads),
			p95Ms: percentile(overheads, 0.95),
			meanMs: overheads.reduce((a, b) => a + b, 0) / Math.max(1, overheads.length),
			minMs: Math.min(...overheads),
			maxMs: Math.max(...overheads),
		},
		wall: {
			harnessMs: harnessWall,
			bareMs: bareWall,
			ratio: harnessWall / bareWall,
			harnessExecuteMs: harnessExecute,
			executeRatio: harnessExecute / bareWall,
			harnessStartupMs: sum((r) => r.harness.startupMs),
			harnessUntilCreatedMs: sum((r) => r.harness.untilCreatedMs),
			harnessShutdownMs: sum((r) => r.harness.shutdownMs),
		},
		phaseMedians,
		gradeOverheadMedianMs: median(pairs.map((p) => p.gradeOverheadMs).filter((v) => v !== null)),
		bareCommandMedianMs: median(pairs.map((p) => p.bareCommandMs)),
		bareCopyMedianMs: median(rounds.flatMap((r) => r.bare.tasks.map((t) => t.copyMs))),
		startup,
		perLanguage,
		perTask,
		failures,
		rounds: rounds.map((round, i) => ({
			round: i + 1,
			order: round.order,
			harness: {
				wallMs: round.harness.wallMs,
				startupMs: round.harness.startupMs,
				untilCreatedMs: round.harness.untilCreatedMs,
				executeMs: round.harness.executeMs,
				shutdownMs: round.harness.shutdownMs,
			},
			bare: { wallMs: round.bare.wallMs },
		})),
		raw: pairs,
	};
}

function printText(s) {
	const { machine, options, overhead, wall, phaseMedians, startup } = s;
	const verdict = (ok) => (ok ? "yes" : "NO");
	const out = [];
	out.push("Harness overhead: `evals run` (oracle model) vs. bare test commands");
	out.push("");
	out.push(
		table(
			["setup", ""],
			[
				["machine", `${machine.cores} cores, ${machine.cpu}, ${machine.platform}`],
				["node", machine.node],
				[
					"code measured",
					`${s.version.commit}, packages built ${s.version.distBuiltAt}${s.version.changedDuringRun ? " (CHANGED DURING THE RUN)" : ""}`,
				],
				[
					"load average (1/5/15 min)",
					`${machine.loadavgAtStart.join(" ")} at start, ${machine.loadavgAtEnd.join(" ")} at end`,
				],
				[
					"tasks",
					`${s.tasks} (${options.languages.join(", ")}) × ${options.iterations} round(s) = ${s.pairs} task pairs`,
				],
				[
					"parallelism",
					`P=${options.parallel} for both (a) \`evals run -c ${options.parallel}\` and (b) the bare pass`,
				],
				[
					"warm-up",
					options.warmup
						? "one untimed (a) and one untimed (b) of all tasks before measuring"
						: "SKIPPED (--skip-warmup): cold caches",
				],
				["order", s.rounds.map((r) => `round ${r.round}: ${r.order}`).join("; ")],
			],
			"ll",
		),
	);
	out.push("");
	out.push(
		table(
			["result", "value", "goal", "goal met?"],
			[
				["per-task overhead, median", fmtMs(overhead.medianMs), "≤ 150 ms", verdict(overhead.medianMs <= 150)],
				["per-task overhead, p95", fmtMs(overhead.p95Ms), "", ""],
				["per-task overhead, mean", fmtMs(overhead.meanMs), "", ""],
				["per-task overhead, min / max", `${fmtMs(overhead.minMs)} / ${fmtMs(overhead.maxMs)}`, "", ""],
				["total wall (a) evals run", fmtS(wall.harnessMs), "", ""],
				["total wall (b) bare", fmtS(wall.bareMs), "", ""],
				["ratio (a) / (b)", `${wall.ratio.toFixed(2)}×`, "≤ 1.3×", verdict(wall.ratio <= 1.3)],
			],
			"lrrl",
		),
	);
	out.push("");
	out.push(
		table(
			["(a) wall time, broken down", "value"],
			[
				["process spawn → run row created (Node, imports, new database, suite)", fmtS(wall.harnessUntilCreatedMs)],
				["run row created → first task started", fmtS(wall.harnessStartupMs - wall.harnessUntilCreatedMs)],
				["first task started → run finished (executing tasks)", fmtS(wall.harnessExecuteMs)],
				["run finished → process exit (report, database closed)", fmtS(wall.harnessShutdownMs)],
				["ratio (executing tasks only) / (b)", `${wall.executeRatio.toFixed(2)}×`],
			],
		),
	);
	out.push("");
	out.push(
		table(
			["where a harness task's time goes (median over task pairs)", "value"],
			[
				["workspaceMs   copy exercise, git init + add + commit", fmtMs(phaseMedians.workspaceMs)],
				["agentStartMs  spawn evals-agent, IPC connect", fmtMs(phaseMedians.agentStartMs)],
				["agentMs       SetTaskContext → oracle's task completed", fmtMs(phaseMedians.agentMs)],
				["gradeMs       restore tests, PATH probe, test command", fmtMs(phaseMedians.gradeMs)],
				["other         duration − the 4 phases: agent stop, git diff, store", fmtMs(phaseMedians.otherMs)],
				["gradeMs − bare test command of the same task", fmtMs(s.gradeOverheadMedianMs)],
				["bare: test command alone", fmtMs(s.bareCommandMedianMs)],
				["bare: copy exercise + solution", fmtMs(s.bareCopyMedianMs)],
			],
		),
	);
	out.push("");
	if (startup) {
		out.push(
			table(
				["start-up costs (untimed extra, median of samples)", "value"],
				[
					["node -e 0 (bare Node start)", fmtMs(startup.nodeMs)],
					["evals-agent --help (Node + loading the agent's modules)", fmtMs(startup.agentHelpMs)],
					["evals runs --json, existing EVALS_HOME", fmtMs(startup.evalsExistingMs)],
					["evals runs --json, fresh EVALS_HOME (creates the database)", fmtMs(startup.evalsFreshMs)],
					["spawn of /bin/true from a bare Node process (mean of 30)", fmtMs(startup.fork.bareMs)],
					[
						`… from one holding the embedded database (${startup.fork.rssMb} MB resident)`,
						`${fmtMs(startup.fork.holdingMs)} (${(startup.fork.holdingMs / startup.fork.bareMs).toFixed(1)}×)`,
					],
					[
						"… from the same, through its spawner helper (what tasks use)",
						`${fmtMs(startup.fork.spawnerMs)} (${(startup.fork.spawnerMs / startup.fork.bareMs).toFixed(1)}×)`,
					],
				],
			),
		);
		out.push("");
	}
	out.push(
		table(
			["language", "tasks", "bare", "harness", "overhead"],
			s.perLanguage.map((l) => [l.language, l.tasks, fmtMs(l.bareMs), fmtMs(l.harnessMs), fmtMs(l.overheadMs)]),
		),
	);
	out.push("");
	out.push(
		table(
			["task", "bare", "harness", "overhead", "workspace", "agentStart", "agent", "grade", "grade−bare", "other", "ok"],
			s.perTask.map((t) => [
				t.key,
				fmtMs(t.bareMs),
				fmtMs(t.harnessMs),
				fmtMs(t.overheadMs),
				fmtMs(t.workspaceMs),
				fmtMs(t.agentStartMs),
				fmtMs(t.agentMs),
				fmtMs(t.gradeMs),
				fmtMs(t.gradeOverheadMs),
				fmtMs(t.otherMs),
				t.passed ? "yes" : "NO",
			]),
			"lrrrrrrrrrl",
		),
	);
	if (options.iterations > 1) out.push("(per-task and per-language values are medians over the rounds)");
	out.push("");
	if (s.failures.length > 0) {
		out.push(`FAILURES (${s.failures.length}); the numbers above include these tasks:`);
		for (const f of s.failures) out.push(`  round ${f.round} ${f.kind} ${f.key}: ${String(f.detail).slice(-400)}`);
		out.push("");
	}
	const commands = Object.entries(s.commands).map(([language, command]) => `    ${language.padEnd(11)} ${command}`);
	out.push(`What the numbers mean
  bare (b)      per task: copy the exercise without .meta to a temp folder, copy .meta/solution over the
                stubs, run the language's test command there (timed: copy + command):
${commands.join("\n")}
  harness (a)   per task: durationMs of \`evals run --json\` = started_at → finished_at of the task row,
                from leaving the queue to the saved verdict (the workspace is deleted after it).
  overhead      harness − bare of the same task in the same round: what the harness adds to one task
                (workspace + git baseline, agent process + IPC, the oracle's tool calls, git diff, test
                restore, PATH probe, database writes), at parallelism P, so contention counts too.
                p95 is the nearest rank over all task pairs.
  total wall    (a) spawn → exit of the whole \`evals run\` process, in a new EVALS_HOME each time, so it
                includes creating the embedded database; (b) the whole bare pass. Summed over rounds.
  phases        phase_timings of the tasks table (milliseconds per phase); "other" is what no phase
                covers: reference copy, CloseTask → agent exit, event flush, git add + git diff, and the
                task's store writes.
  start-up      measured after the rounds, not part of any total; a fresh EVALS_HOME minus an existing one
                is the cost of creating the embedded database.`);
	console.log(out.join("\n"));
}

// ---------------------------------------------------------------------------------------------

/** Fixed costs behind the numbers above: Node's own start, loading the agent, opening the store. */
async function profileStartup(samples = 3) {
	const time = async (args, env = process.env) => {
		const result = await runProcess(process.execPath, args, { env, timeoutMs: 120_000 });
		if (result.code !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr.slice(-1000)}`);
		return result.ms;
	};
	const nodeMs = [];
	const agentHelpMs = [];
	const evalsFreshMs = [];
	const evalsExistingMs = [];
	let fork;
	for (let i = 0; i < samples; i++) {
		nodeMs.push(await time(["-e", "0"]));
		agentHelpMs.push(await time([AGENT_CLI, "--help"]));
	}
	const home = await mkdtemp(join(tmpdir(), "bench-overhead-evals-"));
	scratch.add(home);
	try {
		const env = { ...process.env, EVALS_HOME: home };
		delete env.DATABASE_URL;
		delete env.REDIS_URL;
		evalsFreshMs.push(await time([EVALS_CLI, "runs", "--json"], env));
		for (let i = 0; i < samples; i++) evalsExistingMs.push(await time([EVALS_CLI, "runs", "--json"], env));
		fork = await forkCost(env);
	} finally {
		await rm(home, { recursive: true, force: true });
		scratch.delete(home);
	}
	return {
		nodeMs: median(nodeMs),
		agentHelpMs: median(agentHelpMs),
		evalsFreshMs: median(evalsFreshMs),
		evalsExistingMs: median(evalsExistingMs),
		fork,
	};
}

/**
 * The fork tax: a child forked from a process pays for copying its page tables, so every spawn
 * from a controller holding PGlite is slower than from a small process. Measured in one child
 * process, before and after it opens the embedded database of `env.EVALS_HOME`, and through the
 * spawner helper the controller starts its commands from (forked before the database opens).
 */
async function forkCost(env) {
	const script = `
		const { runCommand, runCommandHere } = await import(${JSON.stringify(SPAWNER_COMMAND)});
		const { useSpawner, stopSpawner } = await import(${JSON.stringify(SPAWNER_CLIENT)});
		const spawnMs = async (run) => {
			await run("/bin/true", [], { maxBuffer: 1024 });
			const start = performance.now();
			for (let i = 0; i < 30; i++) await run("/bin/true", [], { maxBuffer: 1024 });
			return (performance.now() - start) / 30;
		};
		const bareMs = await spawnMs(runCommandHere);
		useSpawner();
		const { openDatabase } = await import(${JSON.stringify(EVALS_LIB)});
		const database = await openDatabase({ evalsHome: process.env.EVALS_HOME });
		try {
			const holdingMs = await spawnMs(runCommandHere);
			const spawnerMs = await spawnMs(runCommand);
			const rssMb = Math.round(process.memoryUsage().rss / 1e6);
			process.stdout.write(JSON.stringify({ bareMs, holdingMs, spawnerMs, rssMb }));
		} finally {
			await database.close();
			await stopSpawner();
		}`;
	const result = await runProcess(process.execPath, ["--input-type=module", "-e", script], { env, timeoutMs: 120_000 });
	if (result.code !== 0) throw new Error(`the fork-cost probe failed: ${result.stderr.slice(-1000)}`);
	return JSON.parse(result.stdout);
}

/** The commit measured, "+dirty" with uncommitted changes, and the newest file of the built packages. */
async function codeVersion() {
	const git = await runProcess("git", ["describe", "--always", "--dirty=+dirty"], { cwd: ROOT, timeoutMs: 10_000 });
	let newest = 0;
	const walk = async (dir) => {
		for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) await walk(path);
			else if (entry.isFile()) newest = Math.max(newest, (await stat(path)).mtimeMs);
		}
	};
	for (const name of ["types", "ipc", "agent", "evals"]) await walk(join(ROOT, "packages", name, "dist"));
	return { commit: git.code === 0 ? git.stdout.trim() : "unknown", distBuiltAt: new Date(newest).toISOString() };
}

async function checkPrerequisites(options) {
	for (const file of [EVALS_CLI, EVALS_LIB, AGENT_CLI]) {
		if (!existsSync(file)) throw new Error(`${file} is missing: build the packages first (npm run build)`);
	}
	const missing = [];
	for (const language of options.languages) {
		const probe = await runProcess("/bin/sh", ["-c", `command -v ${TOOLS[language]}`], { timeoutMs: 10_000 });
		if (probe.code !== 0) missing.push(`${TOOLS[language]} (${language})`);
	}
	if (missing.length > 0) throw new Error(`not on PATH: ${missing.join(", ")}`);
}

async function main() {
	const options = parseOptions(process.argv.slice(2));
	await checkPrerequisites(options);
	const tasks = await discoverTasks(options.languages);
	const log = (message) => process.stderr.write(`[bench:overhead] ${message}\n`);
	const loadAtStart = loadavg().map((v) => Number(v.toFixed(2)));
	const version = await codeVersion();
	if (loadAtStart[0] >= availableParallelism()) {
		log(`warning: load average ${loadAtStart[0]} on ${availableParallelism()} cores; other work will skew the numbers`);
	}
	log(`${tasks.length} tasks (${options.languages.join(", ")}), P=${options.parallel}, ${options.iterations} round(s)`);

	if (options.warmup) {
		log("warm-up (untimed): harness run…");
		const harness = await runHarness(options);
		log(`  ${harness.tasks.filter((t) => t.passed).length}/${harness.tasks.length} passed, ${fmtS(harness.wallMs)}`);
		log("warm-up (untimed): bare pass…");
		const bare = await runBare(tasks, options.parallel);
		log(`  ${bare.tasks.filter((t) => t.passed).length}/${bare.tasks.length} passed, ${fmtS(bare.wallMs)}`);
	}

	const rounds = [];
	for (let i = 0; i < options.iterations; i++) {
		// Alternate which goes first, so neither always runs right after the other's cache misses.
		const harnessFirst = i % 2 === 1;
		const round = { order: harnessFirst ? "harness, bare" : "bare, harness" };
		for (const which of harnessFirst ? ["harness", "bare"] : ["bare", "harness"]) {
			log(`round ${i + 1}/${options.iterations}: ${which}…`);
			round[which] = which === "harness" ? await runHarness(options) : await runBare(tasks, options.parallel);
			log(`  ${fmtS(round[which].wallMs)}`);
		}
		rounds.push(round);
	}

	log("start-up profile (untimed)…");
	const startup = await profileStartup();
	const versionAtEnd = await codeVersion();
	if (versionAtEnd.distBuiltAt !== version.distBuiltAt || versionAtEnd.commit !== version.commit) {
		log(`warning: the code changed during the benchmark (${version.commit} → ${versionAtEnd.commit}, dist rebuilt)`);
		version.changedDuringRun = true;
	}
	const summary = summarize(options, tasks, rounds, startup, loadAtStart, version);
	if (options.json) {
		const tidy = (_key, value) =>
			typeof value === "number" && !Number.isInteger(value) ? Math.round(value * 10) / 10 : value;
		console.log(JSON.stringify(summary, tidy, 2));
	} else printText(summary);
	if (summary.failures.length > 0) process.exitCode = 1;
}

main().catch((error) => {
	process.stderr.write(`bench:overhead: ${error instanceof Error ? error.message : error}\n`);
	process.exitCode = 1;
});
