import type { Exercise } from "../exercises/types.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { emptyCounts, judgeCounts, NO_TESTS, numbersByWord, type TestCounts } from "./counts.js";
import type { GradeOptions, GradeResult, LanguageRunner, RunnerOptions } from "./runner.js";
import { runGrading } from "./session.js";

// `-o markers=task` declares the marker Exercism's Python tests use, so pytest does not warn about
// it; the cache plugin would leave .pytest_cache in the workspace.
const COMMAND = "python3 -m pytest -o markers=task -p no:cacheprovider *_test.py";

/*
 * PYTHONSAFEPATH (Python ≥ 3.11) keeps `python3 -m` from putting the workspace first on sys.path,
 * where a pytest.py or _pytest/ written by the agent would replace pytest itself. Test files still
 * import the solution: pytest adds their folder when it imports them. Older Pythons ignore the
 * variable; there the restore step's deletion of such files is the defence.
 */
const ENV = { PYTHONDONTWRITEBYTECODE: "1", PYTHONSAFEPATH: "1" };

const EXIT_NO_TESTS = 5;
const EXIT_USAGE = 4;

/** Counts from pytest's closing line, e.g. "==== 1 failed, 2 passed, 1 skipped in 0.05s ====". */
export function parsePytestSummary(output: string): TestCounts | undefined {
	const lines = output.split("\n").filter((line) => /^=+ .*\bin \d+(\.\d+)?s\b.* =+\s*$/.test(line));
	const last = lines.at(-1);
	if (last === undefined) return undefined;
	const words = numbersByWord(last);
	const counts = emptyCounts();
	counts.passed = (words.get("passed") ?? 0) + (words.get("xpassed") ?? 0);
	counts.failed = (words.get("failed") ?? 0) + (words.get("error") ?? 0) + (words.get("errors") ?? 0);
	counts.skipped = words.get("skipped") ?? 0;
	return counts;
}

export class PythonRunner implements LanguageRunner {
	readonly language = "python";
	readonly requiredTools = ["python3"];

	constructor(private readonly options: RunnerOptions = {}) {}

	grade(workspace: string, _exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult> {
		return runGrading({ runner: this, sandbox, workspace, options, env: this.options.env }, async (session) => {
			const result = await session.run(COMMAND, { env: ENV });
			if (/No module named pytest/.test(result.output)) {
				return { verdict: "infra", summary: "pytest is not installed for python3" };
			}
			if (result.exitCode === EXIT_NO_TESTS) return { verdict: "failed", summary: NO_TESTS };
			if (result.exitCode === EXIT_USAGE && /not found: .*\*_test\.py/.test(result.output)) {
				return { verdict: "failed", summary: `${NO_TESTS} (no *_test.py file)` };
			}
			const counts = parsePytestSummary(result.output);
			if (counts === undefined) {
				return { verdict: "failed", summary: `pytest exited ${result.exitCode ?? result.signal} without a summary` };
			}
			return judgeCounts(counts, result.exitCode === 0);
		});
	}
}
