/**
 * What the JavaScript dependency cache saves when a suite is validated: N exercises in the
 * Exercism layout that declare "packageManager": "pnpm@9.15.2" and test with `corepack pnpm jest`
 * (copies of the grading tests' leap-pnpm fixture, differing in their names), each graded twice
 * the way `evals validate` does (reference, then stub) with P gradings at a time:
 *
 *   baseline     dependencies installed into every workspace (`dependencyCache: false`), as before
 *                the cache; pnpm's store is warmed by one untimed install first, so this is the
 *                best case of a per-grading install
 *   cache, cold  a new, empty cache: the one install of the set plus N×2 linked gradings
 *   cache, warm  the same cache again: no install at all
 *
 * Every phase must end with every reference passing and every stub failing, or the benchmark
 * stops. Ratios are against the baseline of the same run (the machine is shared; absolute times
 * move with its load, ratios much less).
 *
 *   npm run bench:js-deps -- [--exercises N] [--parallel P] [--skip-baseline] [--cli] [--json]
 *
 * `--cli` times the cached phases with the real `evals validate` process instead of in-process
 * grading. Needs the built packages (`npm run build`), node and npm, and the npm registry.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TEMPLATE = join(ROOT, "packages/evals/test/fixtures/suites/js-managers/javascript/exercises/practice/leap-pnpm");
const EVALS_LIB = join(ROOT, "packages/evals/dist/index.js");
const EVALS_CLI = join(ROOT, "packages/evals/dist/cli/main.js");
const execFileAsync = promisify(execFile);

const USAGE = `usage: npm run bench:js-deps -- [options]
  --exercises N     exercises in the generated suite                   (default 20)
  --parallel P      gradings at a time, like evals validate -c P        (default 2)
  --skip-baseline   only the cached phases (e.g. to time 100 exercises)
  --cli             time the cached phases with the real \`evals validate\`
  --json            print the results as JSON
  --help`;

function parseOptions(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			exercises: { type: "string" },
			parallel: { type: "string" },
			"skip-baseline": { type: "boolean", default: false },
			cli: { type: "boolean", default: false },
			json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const count = (flag, fallback, min, max) => {
		if (values[flag] === undefined) return fallback;
		const n = Number(values[flag]);
		if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} must be an integer ${min}-${max}`);
		return n;
	};
	return {
		exercises: count("exercises", 20, 1, 1000),
		parallel: count("parallel", 2, 1, 25),
		baseline: !values["skip-baseline"],
		cli: values.cli,
		json: values.json,
	};
}

/** The suite: N copies of the template, each with its own name in package.json. */
async function generateSuite(dir, n) {
	const practice = join(dir, "javascript", "exercises", "practice");
	for (let i = 1; i <= n; i++) {
		const name = `leap-${String(i).padStart(3, "0")}`;
		await cp(TEMPLATE, join(practice, name), { recursive: true });
		const file = join(practice, name, "package.json");
		const manifest = JSON.parse(await readFile(file, "utf8"));
		await writeFile(file, JSON.stringify({ ...manifest, name: `@bench/${name}` }, null, "\t"));
	}
	return dir;
}

/** Grades every exercise's reference and stub in-process, P at a time, as `evals validate` does. */
async function validateInProcess(lib, suiteDir, parallel, runnerOptions) {
	const suite = await lib.loadSuite(suiteDir);
	const sandbox = lib.getSandbox("local");
	const runner = new lib.JavaScriptRunner("javascript", runnerOptions);
	const jobs = suite.exercises.flatMap((exercise) => [
		{ exercise, variant: "reference" },
		{ exercise, variant: "stub" },
	]);
	const verdicts = { referencePass: 0, referenceFail: 0, stubPass: 0, stubFail: 0, infra: 0 };
	const problems = [];
	let next = 0;
	const worker = async () => {
		while (next < jobs.length) {
			const { exercise, variant } = jobs[next++];
			const dir = await mkdtemp(join(tmpdir(), "bench-js-deps-"));
			try {
				const workspace = join(dir, "workspace");
				await lib.prepareWorkspace(exercise, workspace);
				if (variant === "reference") {
					await lib.prepareReference(exercise, join(dir, "reference"));
					await cp(join(dir, "reference"), workspace, { recursive: true, force: true });
				}
				const report = await lib.gradeExercise(exercise, workspace, sandbox, { runner, timeoutMs: 300_000 });
				if (report.verdict === "infra") {
					verdicts.infra++;
					problems.push(`${exercise.name} ${variant}: ${report.summary}`);
				} else {
					const passed = report.verdict === "passed";
					verdicts[`${variant}${passed ? "Pass" : "Fail"}`]++;
					if (passed !== (variant === "reference")) problems.push(`${exercise.name} ${variant}: ${report.summary}`);
				}
			} finally {
				await rm(dir, { recursive: true, force: true });
			}
		}
	};
	await Promise.all(Array.from({ length: parallel }, worker));
	return { verdicts, problems };
}

async function validateWithCli(suiteDir, parallel, cacheRoot) {
	const { stdout } = await execFileAsync(
		process.execPath,
		[EVALS_CLI, "validate", "--suite", suiteDir, "--json", "-c", String(parallel), "--command-timeout", "300"],
		{
			env: { ...process.env, EVALS_CACHE_DIR: cacheRoot, EVALS_HOME: join(suiteDir, ".evals") },
			maxBuffer: 64 * 1024 * 1024,
		},
	).catch((error) => ({ stdout: error.stdout ?? "" }));
	const report = JSON.parse(stdout);
	const problems = report.exercises
		.filter((row) => row.reference !== "pass" || row.stub !== "fail")
		.map((row) => `${row.exercise}: ${row.reason}`);
	return { verdicts: report.summary, problems };
}

/**
 * CPU seconds used so far by this process and every child it has waited for (and theirs): the
 * part of the cost that does not depend on what else the shared machine is doing. Linux only.
 */
function cpuSeconds() {
	try {
		const stat = readFileSync("/proc/self/stat", "utf8");
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		// utime, stime, cutime, cstime are fields 14-17 of the line, 12-15 after "pid (comm) ".
		const ticks = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
		return ticks / CLOCK_TICKS;
	} catch {
		return undefined;
	}
}
const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
	} catch {
		return 100;
	}
})();

async function timed(label, work) {
	const load = loadavg()[0];
	const cpuBefore = cpuSeconds();
	const startedAt = performance.now();
	const result = await work();
	const seconds = (performance.now() - startedAt) / 1000;
	const cpuAfter = cpuSeconds();
	const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
	if (result.problems.length > 0) {
		throw new Error(`${label}: not every reference passed and every stub failed:\n  ${result.problems.join("\n  ")}`);
	}
	return { label, seconds, cpu, loadAtStart: load, verdicts: result.verdicts };
}

async function main() {
	const options = parseOptions(process.argv.slice(2));
	const lib = await import(EVALS_LIB);
	const scratch = await mkdtemp(join(tmpdir(), "bench-js-deps-"));
	const caches = [];
	try {
		const suiteDir = await generateSuite(join(scratch, "suite"), options.exercises);
		const gradings = options.exercises * 2;
		const phases = [];

		if (options.baseline) {
			// pnpm provided through corepack, its store (ours, in the scratch folder) warmed untimed.
			const cacheDir = join(scratch, "baseline-cache", "js");
			caches.push(cacheDir);
			const runnerOptions = {
				cacheDir,
				dependencyCache: false,
				env: { npm_config_store_dir: join(scratch, "baseline-store") },
			};
			const warm = join(scratch, "warm");
			await mkdir(warm);
			await generateSuite(warm, 1);
			await validateInProcess(lib, warm, 1, runnerOptions);
			phases.push(
				await timed("baseline: install per grading", () =>
					validateInProcess(lib, suiteDir, options.parallel, runnerOptions),
				),
			);
		}

		const cacheRoot = join(scratch, "cache");
		caches.push(join(cacheRoot, "js"));
		const cached = () =>
			options.cli
				? validateWithCli(suiteDir, options.parallel, cacheRoot)
				: validateInProcess(lib, suiteDir, options.parallel, { cacheDir: join(cacheRoot, "js") });
		phases.push(await timed(`cache, cold${options.cli ? " (evals validate)" : ""}`, cached));
		phases.push(await timed(`cache, warm${options.cli ? " (evals validate)" : ""}`, cached));

		const baseline = phases.find((phase) => phase.label.startsWith("baseline"));
		const rows = phases.map((phase) => ({
			...phase,
			perGrading: phase.seconds / gradings,
			cpuPerGrading: phase.cpu === undefined ? undefined : phase.cpu / gradings,
			ratio: baseline ? phase.seconds / baseline.seconds : undefined,
		}));
		if (options.json) {
			console.log(JSON.stringify({ ...options, gradings, cpus: cpus().length, phases: rows }, null, 2));
			return;
		}
		console.log(
			`\n${options.exercises} exercises (pnpm@9.15.2, corepack pnpm jest), ${gradings} gradings, ${options.parallel} at a time, ${cpus().length} CPUs\n`,
		);
		const lines = [
			["phase", "wall", "per grading", "vs baseline", "CPU per grading", "CPU vs baseline", "load at start"],
		];
		for (const row of rows) {
			lines.push([
				row.label,
				`${row.seconds.toFixed(1)} s`,
				`${row.perGrading.toFixed(2)} s`,
				row.ratio === undefined || row === rows.find((r) => r.label === baseline?.label)
					? "-"
					: `${row.ratio.toFixed(2)}× (${speed(row.ratio)})`,
				row.cpuPerGrading === undefined ? "-" : `${row.cpuPerGrading.toFixed(2)} s`,
				baseline?.cpu && row.cpu !== undefined && row.label !== baseline.label
					? `${(row.cpu / baseline.cpu).toFixed(2)}×`
					: "-",
				row.loadAtStart.toFixed(1),
			]);
		}
		const widths = lines[0].map((_, i) => Math.max(...lines.map((line) => line[i].length)));
		for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(widths[i])).join("  "));
		console.log("\nEvery phase: every reference passed, every stub failed.");
		console.log(
			"CPU = user + system seconds of this process and everything it waited for; on an idle machine the wall\ntime of a phase is about its CPU time divided by the parallelism.",
		);
	} finally {
		// Cache entries are read-only; the library knows how to remove them.
		for (const dir of caches) await lib.removeTree(dir).catch(() => {});
		await rm(scratch, { recursive: true, force: true });
	}
}

function speed(ratio) {
	return ratio <= 1 ? `${(1 / ratio).toFixed(1)}× faster` : `${ratio.toFixed(1)}× slower`;
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
