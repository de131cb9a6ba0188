import type { Exercise } from "../exercises/types.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { addCounts, emptyCounts, judgeCounts, type TestCounts } from "./counts.js";
import { prepareCrates } from "./offline-deps.js";
import type { GradeOptions, GradeResult, LanguageRunner, RunnerOptions } from "./runner.js";
import { runGrading } from "./session.js";

// --include-ignored runs #[ignore]d tests too, in case a marker survived unskipping (a macro, an
// attribute spelled differently).
const COMMAND = "cargo test -- --include-ignored";

/** Sum of every "test result: ok. 3 passed; 0 failed; 1 ignored; …" line (unit, integration, doc). */
export function parseCargoTestOutput(output: string): TestCounts | undefined {
	let counts: TestCounts | undefined;
	for (const match of output.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/gm)) {
		counts = addCounts(counts ?? emptyCounts(), {
			passed: Number(match[1]),
			failed: Number(match[2]),
			skipped: Number(match[3]),
		});
	}
	return counts;
}

export class RustRunner implements LanguageRunner {
	readonly language = "rust";
	readonly requiredTools = ["cargo"];

	constructor(private readonly options: RunnerOptions = {}) {}

	grade(workspace: string, _exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult> {
		return runGrading({ runner: this, sandbox, workspace, options, env: this.options.env }, async (session) => {
			if (session.offline) await prepareCrates(session);
			const result = await session.run(COMMAND, {
				env: { CARGO_TERM_COLOR: "never", CARGO_TERM_PROGRESS_WHEN: "never" },
			});
			const counts = parseCargoTestOutput(result.output);
			if (counts === undefined) {
				if (
					/failed to (download|get|fetch|load source)|Couldn't resolve host|network failure|you're using offline mode|--offline was specified/i.test(
						result.output,
					)
				) {
					return { verdict: "infra", summary: "crates could not be downloaded" };
				}
				if (/could not compile|error(\[E\d+\])?:/.test(result.output)) {
					return { verdict: "failed", summary: "build failed" };
				}
				return {
					verdict: "failed",
					summary: `cargo test exited ${result.exitCode ?? result.signal} without a test result`,
				};
			}
			return judgeCounts(counts, result.exitCode === 0);
		});
	}
}
