import type { Exercise } from "../exercises/types.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { emptyCounts, judgeCounts, NO_TESTS, type TestCounts } from "./counts.js";
import { prepareGoModules } from "./offline-deps.js";
import type { GradeOptions, GradeResult, LanguageRunner, RunnerOptions } from "./runner.js";
import { runGrading } from "./session.js";

// -v prints one "--- PASS/FAIL/SKIP" line per test, which is what the counts come from.
const COMMAND = "go test -v ./...";

/** Top-level test results of `go test -v` (subtests are indented and not counted twice). */
export function parseGoTestOutput(output: string): TestCounts {
	const counts = emptyCounts();
	for (const match of output.matchAll(/^--- (PASS|FAIL|SKIP): /gm)) {
		if (match[1] === "PASS") counts.passed++;
		else if (match[1] === "FAIL") counts.failed++;
		else counts.skipped++;
	}
	return counts;
}

export class GoRunner implements LanguageRunner {
	readonly language = "go";
	readonly requiredTools = ["go"];

	constructor(private readonly options: RunnerOptions = {}) {}

	grade(workspace: string, _exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult> {
		return runGrading({ runner: this, sandbox, workspace, options, env: this.options.env }, async (session) => {
			if (session.offline) await prepareGoModules(session);
			// GOTOOLCHAIN=local: a go.mod asking for a newer Go must fail here, not download one.
			const result = await session.run(COMMAND, { env: { GOTOOLCHAIN: "local", GOFLAGS: "-buildvcs=false" } });
			const output = result.output;
			// Module downloads failing is the network's fault, not the work's (offline: a module the
			// host could not download beforehand).
			if (/^go: .*(dial tcp|no such host|i\/o timeout|connection refused|disabled by GOPROXY=off)/m.test(output)) {
				return { verdict: "infra", summary: "Go modules could not be downloaded" };
			}
			if (/\[(build|setup) failed\]/.test(output)) return { verdict: "failed", summary: "build failed" };
			if (/go\.mod file not found|cannot find main module/.test(output)) {
				return { verdict: "failed", summary: "no go.mod" };
			}
			const counts = parseGoTestOutput(output);
			if (counts.passed + counts.failed + counts.skipped === 0) {
				if (/\[no test files\]/.test(output)) return { verdict: "failed", summary: `${NO_TESTS} (no test files)` };
				if (result.exitCode !== 0) return { verdict: "failed", summary: `go test exited ${result.exitCode}` };
				return { verdict: "failed", summary: NO_TESTS };
			}
			const judged = judgeCounts(counts, result.exitCode === 0);
			if (result.exitCode !== 0 && counts.failed === 0) {
				return { verdict: "failed", summary: `${judged.summary}; go test exited ${result.exitCode}` };
			}
			return judged;
		});
	}
}
