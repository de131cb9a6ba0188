import { existsSync } from "node:fs";
import { cp, mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
	type Exercise,
	loadSuite,
	prepareReference,
	prepareWorkspace,
	type Suite,
	selectExercises,
	UngradableExerciseError,
	unskipSource,
} from "../src/exercises/index.js";
import { gradeExercise, missingCMakePackage, REFACTORING_NOTE } from "../src/grading/index.js";
import { getSandbox } from "../src/sandbox/index.js";
import { fixtureSuite, onPath, tempDirs } from "./helpers/grading.js";

/*
 * Exercism-layout suites written by others, one small fixture of our own per class of problem
 * found by validating a public ~200-exercise suite (test/fixtures/suites/third-party):
 * go/next-node       a conditional t.Skip guards the test's own nil dereference
 * go/receipt         a refactoring exercise: the stub already passes
 * go/test-design     .meta/.skip_tests: not gradable by tests
 * java/word-count    a second test file, not listed in config.json, with @Disabled tests
 * rust/checked-sum   the reference needs a crate only .meta/Cargo-example.toml declares
 * cpp/days-between   needs Boost date_time from the system
 */

const root = fixtureSuite("third-party");
const sandbox = getSandbox("local");
const tempDir = tempDirs("evals-third-party-");
const boostInstalled = existsSync("/usr/include/boost/date_time") || existsSync("/usr/local/include/boost/date_time");

let loaded: Promise<Suite> | undefined;
async function exercise(id: string): Promise<Exercise> {
	loaded ??= loadSuite(root);
	const found = (await loaded).exercises.find((e) => `${e.language}/${e.name}` === id);
	if (!found) throw new Error(`${id} missing`);
	return found;
}

async function workspace(id: string, solved: boolean): Promise<{ ex: Exercise; ws: string }> {
	const ex = await exercise(id);
	const ws = path.join(await tempDir(), ex.name);
	await prepareWorkspace(ex, ws);
	if (solved) {
		const reference = await tempDir();
		await prepareReference(ex, reference);
		await cp(reference, ws, { recursive: true, force: true });
	}
	return { ex, ws };
}

describe("loading", () => {
	it("keeps not-gradable exercises out of the suite's exercises, with the reason", async () => {
		const suite = await loadSuite(root);
		expect(suite.exercises.map((e) => `${e.language}/${e.name}`)).toEqual([
			"cpp/days-between",
			"go/next-node",
			"go/receipt",
			"java/word-count",
			"rust/checked-sum",
		]);
		expect(suite.ungradable).toEqual([
			{
				language: "go",
				name: "test-design",
				dir: path.join(root, "go", "exercises", "practice", "test-design"),
				reason: "the track marks it as not test-gradable (.meta/.skip_tests)",
			},
		]);
		expect(suite.warnings).toEqual([
			"go/test-design: not gradable: the track marks it as not test-gradable (.meta/.skip_tests); left out of validation and runs",
		]);
		expect(() => selectExercises(suite, { names: ["go/test-design"] })).toThrow(UngradableExerciseError);
		expect(() => selectExercises(suite, { names: ["test-design"] })).toThrow(
			"go/test-design cannot be graded: the track marks it as not test-gradable (.meta/.skip_tests)",
		);
		expect(selectExercises(suite, { include: ["go"] }).map((e) => e.name)).toEqual(["next-node", "receipt"]);
	});

	it("flags refactoring exercises from their instructions", async () => {
		expect((await exercise("go/receipt")).refactoring).toBe(true);
		expect((await exercise("go/next-node")).refactoring).toBe(false);
	});

	it("grades every test file, listed or not, and knows the build configuration", async () => {
		expect(await exercise("java/word-count")).toMatchObject({
			testFiles: ["src/test/java/WordCountEdgeTest.java", "src/test/java/WordCountTest.java"],
			configFiles: ["build.gradle"],
		});
		// go.mod is both conventional configuration and Exercism's declared "invalidator".
		expect((await exercise("go/next-node")).configFiles).toEqual(["go.mod"]);
		expect((await exercise("cpp/days-between")).configFiles).toEqual(["CMakeLists.txt"]);
	});

	it("takes a Rust reference's manifest from .meta/Cargo-example.toml", async () => {
		const ex = await exercise("rust/checked-sum");
		expect(ex.reference.map((file) => [path.relative(ex.dir, file.from), file.to])).toEqual([
			[".meta/example.rs", "src/lib.rs"],
			[".meta/Cargo-example.toml", "Cargo.toml"],
		]);
		expect(ex.configFiles).toEqual(["Cargo.toml"]);
	});

	it("follows symlinked language folders, and a link cycle inside an exercise ends", async () => {
		const scratch = await tempDir();
		const real = path.join(scratch, "real");
		await cp(path.join(root, "go"), path.join(real, "go"), { recursive: true });
		const receipt = path.join(real, "go", "exercises", "practice", "receipt");
		await symlink(".", path.join(receipt, "loop"));
		await mkdir(path.join(receipt, "sub"));
		await symlink("..", path.join(receipt, "sub", "up"));
		const suiteRoot = path.join(scratch, "suite");
		await mkdir(suiteRoot);
		await symlink(path.join(real, "go"), path.join(suiteRoot, "go"));
		await symlink(path.join(root, "java"), path.join(suiteRoot, "java"));

		const suite = await loadSuite(suiteRoot);
		expect(suite.layout).toBe("exercism");
		expect(suite.exercises.map((e) => `${e.language}/${e.name}`)).toEqual([
			"go/next-node",
			"go/receipt",
			"java/word-count",
		]);
		// Both links lead back to the exercise folder itself, which the walk is already in: not entered.
		const found = suite.exercises.find((e) => e.name === "receipt");
		expect(found?.testFiles).toEqual(["receipt_test.go"]);
	});
});

describe("un-skipping removes pending markers only", () => {
	it("leaves a Go skip that guards the test's own logic", async () => {
		const { readFile } = await import("node:fs/promises");
		const ex = await exercise("go/next-node");
		const source = await readFile(path.join(ex.dir, "next_node_test.go"), "utf8");
		expect(source).toMatch(/if tc\.want == nil \{\n\t+t\.Skip/);
		expect(unskipSource("go", source)).toBe(source);
	});
});

describe.skipIf(!onPath("go"))("go", { timeout: 120_000 }, () => {
	it("passes the reference of a table test whose skip protects a nil dereference", async () => {
		const solved = await workspace("go/next-node", true);
		const graded = await gradeExercise(solved.ex, solved.ws, sandbox);
		expect(graded, graded.output).toMatchObject({ verdict: "passed", summary: "1 passed", unskipped: [] });
		const stub = await workspace("go/next-node", false);
		expect((await gradeExercise(stub.ex, stub.ws, sandbox)).verdict).toBe("failed");
	});

	it("says that tests alone cannot judge a refactoring exercise", async () => {
		const stub = await workspace("go/receipt", false);
		const graded = await gradeExercise(stub.ex, stub.ws, sandbox);
		expect(graded).toMatchObject({ verdict: "passed", summary: "2 passed", notes: [REFACTORING_NOTE] });
		expect(graded.output.startsWith(`# ${REFACTORING_NOTE}\n`)).toBe(true);
	});
});

describe.skipIf(!onPath("mvn") || !onPath("java"))("java (skipped: mvn or java not on PATH)", () => {
	it("un-skips the second test file too", async () => {
		const solved = await workspace("java/word-count", true);
		const graded = await gradeExercise(solved.ex, solved.ws, sandbox);
		expect(graded, graded.output).toMatchObject({
			verdict: "passed",
			summary: "4 passed",
			unskipped: ["src/test/java/WordCountEdgeTest.java", "src/test/java/WordCountTest.java"],
		});
	}, 600_000);
});

describe.skipIf(!onPath("cargo"))("rust", () => {
	it("grades the reference with the crates its example manifest declares; the stub fails", async () => {
		const solved = await workspace("rust/checked-sum", true);
		const graded = await gradeExercise(solved.ex, solved.ws, sandbox);
		expect(graded, graded.output).toMatchObject({ verdict: "passed", summary: "2 passed", tampered: [] });
		const stub = await workspace("rust/checked-sum", false);
		expect(await gradeExercise(stub.ex, stub.ws, sandbox)).toMatchObject({
			verdict: "failed",
			summary: "0 passed, 2 failed",
		});
	}, 300_000);
});

describe.skipIf(!onPath("cmake") || boostInstalled)(
	"c++ without Boost (skipped: cmake missing or Boost installed)",
	() => {
		it("a missing system library is infra, named", async () => {
			const solved = await workspace("cpp/days-between", true);
			expect(await gradeExercise(solved.ex, solved.ws, sandbox)).toMatchObject({
				verdict: "infra",
				summary: "system library not found: Boost (date_time)",
			});
		}, 120_000);
	},
);

describe("missingCMakePackage", () => {
	it.each([
		[
			// CMake 3.25's FindBoost, as printed on this machine for Exercism's gigasecond.
			'CMake Error at /usr/share/cmake-3.25/Modules/FindPackageHandleStandardArgs.cmake:230 (message):\n  Could NOT find Boost (missing: Boost_INCLUDE_DIR date_time) (Required is at\n  least version "1.58")',
			"Boost (date_time)",
		],
		["Could NOT find ZLIB (missing: ZLIB_LIBRARY ZLIB_INCLUDE_DIR)", "ZLIB"],
		[
			'  Could not find a package configuration file provided by "fmt" with any of\n  the following names:\n\n    fmtConfig.cmake',
			"fmt",
		],
		["-- Checking for module 'gmp'\n--   No package 'gmp' found", "gmp"],
		["CMake Error: The source directory does not exist.", undefined],
	])("case %#", (output, expected) => {
		expect(missingCMakePackage(output)).toBe(expected);
	});
});
