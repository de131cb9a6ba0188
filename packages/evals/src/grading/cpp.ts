import { mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Exercise } from "../exercises/types.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { judgeCounts, NO_TESTS, type TestCounts } from "./counts.js";
import type { GradeOptions, GradeResult, LanguageRunner, RunnerOptions, Verdict } from "./runner.js";
import { type GradingSession, runGrading } from "./session.js";

/*
 * EXERCISM_RUN_ALL_TESTS switches on the tests Exercism's C++ track keeps behind
 * `#if defined(EXERCISM_RUN_ALL_TESTS)` (its form of skipping).
 */
const configure = (source: string) => `cmake -S ${source} -B build -DEXERCISM_RUN_ALL_TESTS=ON`;
const BUILD = "cmake --build build";
const TEST = "ctest --test-dir build --output-on-failure";

/**
 * Catch2's own summary. Exercism's CMakeLists runs the test binary as part of the build rather
 * than registering it with CTest, so for those exercises this is the only place results appear.
 */
export function parseCatch2Output(output: string): TestCounts | undefined {
	const allPassed = [...output.matchAll(/All tests passed \(\d+ assertions? in (\d+) test cases?\)/g)].at(-1);
	if (allPassed) return { passed: Number(allPassed[1]), failed: 0, skipped: 0 };
	const mixed = [...output.matchAll(/test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed/g)].at(-1);
	if (mixed) return { passed: Number(mixed[2]), failed: Number(mixed[3]), skipped: 0 };
	const allFailed = [...output.matchAll(/test cases:\s*(\d+)\s*\|\s*(\d+) failed/g)].at(-1);
	if (allFailed) return { passed: 0, failed: Number(allFailed[2]), skipped: 0 };
	return undefined;
}

/**
 * The system library a failed CMake configure could not find, e.g. "Boost (date_time)" for
 * `find_package(Boost REQUIRED COMPONENTS date_time)`; undefined when the failure is something
 * else. The exercise's CMakeLists.txt is restored before grading, so a missing package it asks
 * for is the machine's lack, not the solution's fault.
 */
export function missingCMakePackage(output: string): string | undefined {
	const moduleMode = /Could NOT find (\S+) \(missing:\s*([^)]*)\)/.exec(output);
	if (moduleMode) {
		// "missing:" lists result variables (Boost_INCLUDE_DIR) and components (date_time); name the components.
		const components = (moduleMode[2] ?? "").split(/\s+/).filter((item) => item !== "" && !/[A-Z]/.test(item));
		return components.length > 0 ? `${moduleMode[1]} (${components.join(", ")})` : moduleMode[1];
	}
	const configMode = /Could not find a package configuration file provided by\s+"([^"]+)"/.exec(output);
	if (configMode) return configMode[1];
	const pkgConfig = /(?:None of the required|No package) '([^']+)' found/.exec(output);
	return pkgConfig?.[1];
}

/** CTest's "75% tests passed, 1 tests failed out of 4". */
export function parseCTestOutput(output: string): TestCounts | "none" | undefined {
	if (/No tests were found/.test(output)) return "none";
	const match = /(\d+)% tests passed, (\d+) tests? failed out of (\d+)/.exec(output);
	if (!match) return undefined;
	const failed = Number(match[2]);
	const total = Number(match[3]);
	const skipped = (output.match(/\*\*\*Not Run|\*\*\*Skipped|Not Run \(Disabled\)/g) ?? []).length;
	return { passed: Math.max(0, total - failed - skipped), failed, skipped };
}

/** C++ with CMake: configure, build, then CTest (or the Catch2 run the build already did). */
export class CppRunner implements LanguageRunner {
	readonly language = "cpp";
	readonly requiredTools = ["cmake", "ctest"];

	constructor(private readonly options: RunnerOptions = {}) {}

	grade(workspace: string, exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult> {
		return runGrading({ runner: this, sandbox, workspace, options, env: this.options.env }, async (session) => {
			// A cache from the agent's own builds may name another generator or compiler.
			await rm(path.join(workspace, "build"), { recursive: true, force: true });
			/*
			 * Exercism's CMakeLists.txt names its target and sources after the folder it sits in
			 * (`get_filename_component(exercise ${CMAKE_CURRENT_SOURCE_DIR} NAME)`). CMake keeps a
			 * symlinked source path as given, so a workspace with another name is configured through
			 * a link named after the exercise.
			 */
			let source = ".";
			let linkDir: string | undefined;
			if (path.basename(workspace) !== exercise.name) {
				linkDir = await mkdtemp(path.join(os.tmpdir(), "agent-evals-cmake-"));
				source = path.join(linkDir, exercise.name);
				await symlink(workspace, source);
				session.allowPaths({ readable: [linkDir] });
			}
			try {
				return await this.build(session, source === "." ? source : shellQuote(source));
			} finally {
				if (linkDir) await rm(linkDir, { recursive: true, force: true });
			}
		});
	}

	private async build(session: GradingSession, source: string): Promise<{ verdict: Verdict; summary: string }> {
		const configured = await session.run(configure(source));
		if (configured.exitCode !== 0) {
			if (/CMAKE_CXX_COMPILER|No CMAKE_C_COMPILER|compiler identification is unknown/.test(configured.output)) {
				return { verdict: "infra", summary: "no C++ compiler found" };
			}
			const library = missingCMakePackage(configured.output);
			if (library !== undefined) return { verdict: "infra", summary: `system library not found: ${library}` };
			return { verdict: "failed", summary: "cmake configure failed" };
		}
		const built = await session.run(BUILD);
		const catch2 = parseCatch2Output(built.output);
		if (built.exitCode !== 0) {
			return catch2 && catch2.failed > 0 ? judgeCounts(catch2, false) : { verdict: "failed", summary: "build failed" };
		}
		const tested = await session.run(TEST);
		const ctest = parseCTestOutput(tested.output);
		if (ctest === "none" || ctest === undefined) {
			if (catch2) return judgeCounts(catch2, tested.exitCode === 0);
			return { verdict: "failed", summary: NO_TESTS };
		}
		return judgeCounts(ctest, tested.exitCode === 0);
	}
}

function shellQuote(value: string): string {
	return `'${value.replaceAll("'", "'\\''")}'`;
}
