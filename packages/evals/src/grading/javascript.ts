import { readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Exercise } from "../exercises/types.js";
import type { ExecResult, Sandbox } from "../sandbox/sandbox.js";
import { emptyCounts, judgeCounts, NO_TESTS, numbersByWord, type TestCounts } from "./counts.js";
import { askHostOnce } from "./host.js";
import { DependencyCache, DependencyInstallError, linkNodeModules, type PreparedDependencies } from "./js-cache.js";
import { jsCacheDir } from "./js-cache-dir.js";
import { CorepackProvider } from "./js-corepack.js";
import { dependencyKey, entryFiles, readDependencyInputs, sameInputs, uncacheableReason } from "./js-deps.js";
import { LOCKFILES, type ManagerName, planPackageManager } from "./js-manager.js";
import type { GradeOptions, GradeResult, LanguageRunner, RunnerOptions } from "./runner.js";
import { type GradingSession, GradingStop, runGrading } from "./session.js";

// ENOTCACHED: offline (the bwrap sandbox), a package the npm cache does not hold.
const NETWORK_FAILURE =
	/ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|ENOTCACHED|network|getaddrinfo/i;

/**
 * Test counts from whichever runner `npm test` started: Node's test runner (TAP or spec reporter),
 * Jest, Vitest or Mocha. "none" when the runner said it found no tests; undefined when no known
 * summary is in the output.
 */
export function parseJsTestOutput(output: string): TestCounts | "none" | undefined {
	if (/No tests found|No test files found|no test files found/.test(output)) return "none";

	const jest = [...output.matchAll(/^Tests:\s+(.+)$/gm)].at(-1)?.[1];
	if (jest !== undefined) {
		const words = numbersByWord(jest);
		return {
			passed: words.get("passed") ?? 0,
			failed: words.get("failed") ?? 0,
			skipped: words.get("skipped") ?? 0,
		};
	}

	const vitest = [...output.matchAll(/^\s*Tests\s+(.*\(\d+\))\s*$/gm)].at(-1)?.[1];
	if (vitest !== undefined) {
		const words = numbersByWord(vitest);
		return {
			passed: words.get("passed") ?? 0,
			failed: words.get("failed") ?? 0,
			skipped: words.get("skipped") ?? 0,
		};
	}

	// node --test: "# pass 2" (TAP) or "ℹ pass 2" (spec); the last block is the run's total.
	const node = new Map<string, number>();
	for (const match of output.matchAll(/^(?:#|ℹ)\s*(tests|pass|fail|cancelled|skipped|todo)\s+(\d+)\s*$/gm)) {
		if (match[1] !== undefined) node.set(match[1], Number(match[2]));
	}
	if (node.has("tests")) {
		return {
			passed: node.get("pass") ?? 0,
			failed: (node.get("fail") ?? 0) + (node.get("cancelled") ?? 0),
			skipped: node.get("skipped") ?? 0,
		};
	}

	const passing = /^\s*(\d+) passing\b/m.exec(output);
	if (passing) {
		const counts = emptyCounts();
		counts.passed = Number(passing[1]);
		counts.failed = Number(/^\s*(\d+) failing\b/m.exec(output)?.[1] ?? 0);
		counts.skipped = Number(/^\s*(\d+) pending\b/m.exec(output)?.[1] ?? 0);
		return counts;
	}
	return undefined;
}

function hasDependencies(manifest: Record<string, unknown>): boolean {
	const nonEmpty = (value: unknown) => typeof value === "object" && value !== null && Object.keys(value).length > 0;
	return nonEmpty(manifest.dependencies) || nonEmpty(manifest.devDependencies);
}

function shellQuote(value: string): string {
	return `'${value.replaceAll("'", "'\\''")}'`;
}

const MISSING_TEST_SCRIPT =
	/Missing script: "?test"?|missing script: test|Command "test" not found|Couldn't find a script named "test"/i;

export interface JavaScriptRunnerOptions extends RunnerOptions {
	/** Where corepack's home, the package-manager shims and the dependency sets live. Default `jsCacheDir()`. */
	cacheDir?: string;
	/** false: install dependencies into every workspace instead (the baseline of bench/js-deps). */
	dependencyCache?: boolean;
}

interface Manager {
	name: ManagerName;
	/** Exact version ("9.15.2"). */
	version: string;
}

/**
 * JavaScript and TypeScript, with the package manager the exercise declares (see `planPackageManager`:
 * packageManager, a lockfile, a test script calling corepack; else the npm on PATH), provided
 * through corepack. Dependencies come from the dependency cache when the workspace's match the
 * pristine exercise's (see `DependencyCache`), else are installed in the workspace; then
 * `<manager> test`. Without a package.json the test files run under `node --test`.
 */
export class JavaScriptRunner implements LanguageRunner {
	readonly requiredTools = ["node", "npm"];
	private readonly cacheDir: string;

	constructor(
		readonly language: "javascript" | "typescript",
		private readonly options: JavaScriptRunnerOptions = {},
	) {
		this.cacheDir = options.cacheDir ?? jsCacheDir();
	}

	grade(workspace: string, exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult> {
		return runGrading({ runner: this, sandbox, workspace, options, env: this.options.env }, async (session) => {
			const manifestText = await readFile(path.join(workspace, "package.json"), "utf8").catch(() => undefined);
			if (manifestText === undefined) return this.nodeTest(session, exercise);
			let manifest: unknown;
			try {
				manifest = JSON.parse(manifestText);
			} catch {
				return { verdict: "failed", summary: "package.json is not valid JSON" };
			}
			if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
				return { verdict: "failed", summary: "package.json is not a JSON object" };
			}
			const project = manifest as Record<string, unknown>;

			const lockfiles = await presentFiles(
				workspace,
				LOCKFILES.map((lock) => lock.file),
			);
			const plan = planPackageManager(project, lockfiles);
			for (const note of plan.notes) session.note(note);
			let manager: Manager = { name: plan.installer.name, version: "" };
			if (plan.usesCorepack) {
				// The manager may come from the agent's package.json; corepack only ever fetches npm,
				// pnpm or yarn themselves (parsePackageManagerField allows nothing else), never a dependency.
				const provider = new CorepackProvider(this.cacheDir, session.environment());
				const provided = await provider.provide(plan, session.timeoutMs, session.signal);
				for (const note of provided.notes) session.note(note);
				session.setEnv(provided.env);
				if (plan.installer.corepack) manager = { name: plan.installer.name, version: provided.installerVersion };
			}

			const cached = hasDependencies(project)
				? await this.installDependencies(session, exercise, project, manager)
				: undefined;

			let result: ExecResult;
			try {
				result = await session.run(`${manager.name} test`);
			} finally {
				// Also after a timeout: a test that hung may have written into the entry first. A
				// sandbox that confines writes gave the tests the entry through a throwaway overlay:
				// nothing they did reached it, and listing its thousands of files would cost ~0.1 s.
				if (cached !== undefined && !session.confinesWrites) await checkUnchanged(cached);
			}
			if (MISSING_TEST_SCRIPT.test(result.output)) {
				return { verdict: "failed", summary: "package.json has no test script" };
			}
			return judgeJs(result.output, result.exitCode === 0);
		});
	}

	private async installDependencies(
		session: GradingSession,
		exercise: Exercise,
		project: Record<string, unknown>,
		declared: Manager,
	): Promise<{ cache: DependencyCache; key: string; dir: string } | undefined> {
		const workspace = session.workspace;
		const manager = declared.version === "" ? { ...declared, version: await this.npmVersion(session) } : declared;
		const inputs = await readDependencyInputs(workspace);
		const pristine = await readDependencyInputs(exercise.dir);
		const reason =
			this.options.dependencyCache === false
				? "the dependency cache is off"
				: inputs === undefined || pristine === undefined || !sameInputs(inputs, pristine)
					? "they differ from the exercise's (package.json, lockfile or .npmrc changed)"
					: await uncacheableReason(workspace, project, inputs, manager);

		const env = installEnv(manager, session.environment(), inputs?.files[".yarnrc.yml"]);
		if (reason !== undefined || inputs === undefined) {
			// As before the cache: in the workspace, through the sandbox. The agent's own dependency
			// changes are never installed outside it.
			session.note(`dependencies installed in the workspace: ${reason}`);
			const installed = await session.run(installCommand(manager), { env });
			if (installed.exitCode === 0) return undefined;
			if (NETWORK_FAILURE.test(installed.output)) {
				throw new GradingStop("infra", `${manager.name} install could not reach the registry`);
			}
			throw new GradingStop("failed", `${manager.name} install failed`);
		}

		const platform = (
			await askHostOnce(`node -p "process.versions.modules+'-'+process.platform+'-'+process.arch"`, {
				cwd: os.tmpdir(),
				timeoutMs: 30_000,
				env: session.environment(),
			})
		).trim();
		const label = `${manager.name} ${manager.version}`;
		const key = dependencyKey(inputs, `${manager.name}@${manager.version}`, platform);
		const cache = new DependencyCache(path.join(this.cacheDir, "deps"));
		const installTimeoutMs = Math.max(session.timeoutMs, MIN_CACHE_INSTALL_TIMEOUT_MS);
		const logInstall = (install: { command: string; cwd: string; result: ExecResult }) => {
			session.note(`installing into the dependency cache, outside the sandbox, in ${install.cwd}`);
			session.record(install.command, install.result, installTimeoutMs);
		};
		let prepared: PreparedDependencies;
		try {
			prepared = await cache.prepare(
				{
					key,
					files: entryFiles(inputs),
					command: installCommand(manager, path.join(this.cacheDir, "pnpm-store")),
					env: session.environment(env),
					// One install serves every exercise that shares the set: a slow first download
					// must not fail them all, so it gets at least 10 minutes.
					timeoutMs: installTimeoutMs,
					manager: label,
				},
				session.signal,
			);
		} catch (error) {
			if (error instanceof DependencyInstallError && error.install) logInstall(error.install);
			throw error;
		}
		if (prepared.install) logInstall(prepared.install);
		else {
			session.note(`dependencies from the cache: ${prepared.dir} (${label})`);
		}
		if (await linkNodeModules(prepared.dir, workspace)) {
			session.note("the workspace's node_modules was replaced by the exercise's cached dependencies");
		}
		return { cache, key, dir: prepared.dir };
	}

	/** The version of the npm on PATH (part of the cache key: it decides node_modules' layout). */
	private async npmVersion(session: GradingSession): Promise<string> {
		const output = await askHostOnce("npm --version", {
			cwd: os.tmpdir(),
			timeoutMs: 30_000,
			env: session.environment(),
		});
		// npm may warn about the user's config on the same stream.
		const lines = output.split("\n").map((line) => line.trim());
		return lines.findLast((line) => /^\d+\.\d+\.\d+/.test(line)) ?? "unknown";
	}

	private async nodeTest(session: GradingSession, exercise: Exercise) {
		session.note("no package.json: running the test files with node --test");
		const files = exercise.testFiles.map(shellQuote).join(" ");
		const result = await session.run(`node --test ${files}`);
		return judgeJs(result.output, result.exitCode === 0);
	}
}

const MIN_CACHE_INSTALL_TIMEOUT_MS = 600_000;

/** Fails the grading, and retires the entry, when the tests changed the cached dependencies. */
async function checkUnchanged(cached: { cache: DependencyCache; key: string; dir: string }): Promise<void> {
	const changed = await cached.cache.changedPath(cached.dir);
	if (changed === undefined) return;
	await cached.cache.discard(cached.key, cached.dir);
	throw new GradingStop(
		"infra",
		`the tests changed the cached dependencies (${changed}); the result is not trusted and the cache entry was discarded`,
	);
}

/** How each manager installs without prompts, leniently about a lockfile that is out of date. */
function installCommand(manager: Manager, pnpmStore?: string): string {
	switch (manager.name) {
		case "npm":
			return "npm install --no-audit --no-fund";
		case "pnpm":
			// CI=1 makes pnpm insist on an up-to-date lockfile; the old grader did not, neither do we.
			// In the cache: a store of our own, and copies rather than hard links out of it, so that an
			// entry's files are its own and a change to one shows in its listing (see `changedPath`).
			return `pnpm install --no-frozen-lockfile${pnpmStore ? ` --store-dir ${shellQuote(pnpmStore)} --package-import-method copy` : ""}`;
		case "yarn":
			return Number.parseInt(manager.version, 10) >= 2
				? "yarn install"
				: "yarn install --non-interactive --no-progress";
	}
}

function installEnv(manager: Manager, env: Record<string, string>, yarnrc: string | undefined): Record<string, string> {
	if (manager.name !== "yarn" || Number.parseInt(manager.version, 10) < 2) return {};
	const yarn: Record<string, string> = {
		// Yarn 2+ refuses to touch the lockfile under CI=1; same leniency as the other managers.
		YARN_ENABLE_IMMUTABLE_INSTALLS: "false",
		YARN_ENABLE_TELEMETRY: "0",
		YARN_ENABLE_PROGRESS_BARS: "false",
	};
	// Yarn 2+ reads no .npmrc: give it npm's registry (as corepack got it) unless one is configured for it.
	const registry = env.COREPACK_NPM_REGISTRY;
	const configured = env.YARN_NPM_REGISTRY_SERVER ?? process.env.YARN_NPM_REGISTRY_SERVER;
	if (registry && configured === undefined && !/^npmRegistryServer\s*:/m.test(yarnrc ?? "")) {
		yarn.YARN_NPM_REGISTRY_SERVER = registry;
	}
	return yarn;
}

async function presentFiles(dir: string, names: readonly string[]): Promise<string[]> {
	const found: string[] = [];
	for (const name of names) if ((await stat(path.join(dir, name)).catch(() => undefined))?.isFile()) found.push(name);
	return found;
}

function judgeJs(output: string, succeeded: boolean) {
	const counts = parseJsTestOutput(output);
	if (counts === "none") return { verdict: "failed" as const, summary: NO_TESTS };
	// Without a summary there is no telling whether any test ran: `"test": "echo ok"` exits 0 too.
	if (counts === undefined) {
		return {
			verdict: "failed" as const,
			summary: succeeded ? "no test summary recognised (exit code 0)" : "tests failed (no test summary recognised)",
		};
	}
	return judgeCounts(counts, succeeded);
}
