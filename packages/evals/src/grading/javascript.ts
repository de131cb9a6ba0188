import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Exercise } from "../exercises/types.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { emptyCounts, judgeCounts, NO_TESTS, numbersByWord, type TestCounts } from "./counts.js";
import type { GradeOptions, GradeResult, LanguageRunner, RunnerOptions } from "./runner.js";
import { type GradingSession, runGrading } from "./session.js";

const NETWORK_FAILURE = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|network|getaddrinfo/i;

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

function hasDependencies(manifest: unknown): boolean {
	if (typeof manifest !== "object" || manifest === null) return false;
	const { dependencies, devDependencies } = manifest as Record<string, unknown>;
	const nonEmpty = (value: unknown) => typeof value === "object" && value !== null && Object.keys(value).length > 0;
	return nonEmpty(dependencies) || nonEmpty(devDependencies);
}

function shellQuote(value: string): string {
	return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * JavaScript and TypeScript: install dependencies when package.json has any (pnpm when the
 * exercise has a pnpm lockfile and pnpm is installed, npm otherwise), then `npm test`. Without a
 * package.json the test files run under `node --test`.
 */
export class JavaScriptRunner implements LanguageRunner {
	readonly requiredTools = ["node", "npm"];

	constructor(
		readonly language: "javascript" | "typescript",
		private readonly options: RunnerOptions = {},
	) {}

	grade(workspace: string, exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult> {
		const context = { sandbox, workspace, options, env: this.options.env ?? {}, requiredTools: this.requiredTools };
		return runGrading(context, async (session) => {
			const manifestText = await readFile(path.join(workspace, "package.json"), "utf8").catch(() => undefined);
			if (manifestText === undefined) return this.nodeTest(session, exercise);
			let manifest: unknown;
			try {
				manifest = JSON.parse(manifestText);
			} catch {
				return { verdict: "failed", summary: "package.json is not valid JSON" };
			}

			let packageManager = "npm";
			if (hasDependencies(manifest)) {
				const lockfile = await readFile(path.join(workspace, "pnpm-lock.yaml")).catch(() => undefined);
				if (lockfile !== undefined && (await session.missingTools(["pnpm"])).length === 0) packageManager = "pnpm";
				const install =
					packageManager === "pnpm" ? "pnpm install --no-frozen-lockfile" : "npm install --no-audit --no-fund";
				const installed = await session.run(install);
				if (installed.exitCode !== 0) {
					return NETWORK_FAILURE.test(installed.output)
						? { verdict: "infra", summary: `${packageManager} install could not reach the registry` }
						: { verdict: "failed", summary: `${packageManager} install failed` };
				}
			}

			const result = await session.run(`${packageManager} test`);
			if (/Missing script: "?test"?|missing script: test/i.test(result.output)) {
				return { verdict: "failed", summary: "package.json has no test script" };
			}
			return judgeJs(result.output, result.exitCode === 0);
		});
	}

	private async nodeTest(session: GradingSession, exercise: Exercise) {
		session.note("no package.json: running the test files with node --test");
		const files = exercise.testFiles.map(shellQuote).join(" ");
		const result = await session.run(`node --test ${files}`);
		return judgeJs(result.output, result.exitCode === 0);
	}
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
