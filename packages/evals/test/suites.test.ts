import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
	detectLayout,
	type Exercise,
	loadSuite,
	mapExamples,
	prepareReference,
	prepareWorkspace,
	restoreTests,
	type Suite,
	SuiteLoadError,
	selectExercises,
	UnknownExerciseError,
	unskipSource,
	unskipTests,
	WorkspaceError,
} from "../src/exercises/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = path.join(here, "fixtures", "suites");
const fixture = (name: string) => path.join(suites, name);
const bundled = path.resolve(here, "..", "..", "..", "exercises");

const temps: string[] = [];
async function tempDir(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), "evals-suites-"));
	temps.push(dir);
	return dir;
}
afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

function find(suite: Suite, id: string): Exercise {
	const exercise = suite.exercises.find((candidate) => `${candidate.language}/${candidate.name}` === id);
	if (!exercise) throw new Error(`${id} not in suite`);
	return exercise;
}

async function filesUnder(dir: string, relative = ""): Promise<string[]> {
	const out: string[] = [];
	for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
		const child = relative ? `${relative}/${entry.name}` : entry.name;
		if (entry.isDirectory()) out.push(...(await filesUnder(dir, child)));
		else out.push(child);
	}
	return out.sort();
}

describe("layout detection", () => {
	it("recognises each layout", async () => {
		expect(await detectLayout(fixture("agent-evals"))).toBe("agent-evals");
		expect(await detectLayout(fixture("roo-code-evals"))).toBe("roo-code-evals");
		expect(await detectLayout(fixture("exercism"))).toBe("exercism");
		expect(await detectLayout(fixture("malformed"))).toBe("agent-evals");
	});

	it("refuses a missing folder and a folder without exercises", async () => {
		await expect(loadSuite(path.join(suites, "nope"))).rejects.toBeInstanceOf(SuiteLoadError);
		const empty = await tempDir();
		await mkdir(path.join(empty, "notes"));
		await expect(loadSuite(empty)).rejects.toThrow(/holds no exercises/);
	});

	it("loads the bundled suite", async () => {
		const suite = await loadSuite(bundled);
		expect(suite.layout).toBe("agent-evals");
		expect(suite.exercises.length).toBeGreaterThan(0);
		for (const exercise of suite.exercises) expect(exercise.testFiles.length).toBeGreaterThan(0);
	});
});

describe("agent-evals layout", () => {
	it("loads exercises, metadata, references and prompts", async () => {
		const suite = await loadSuite(fixture("agent-evals"));
		expect(suite.layout).toBe("agent-evals");
		expect(suite.warnings).toEqual([]);
		expect(suite.exercises.map((e) => `${e.language}/${e.name}`)).toEqual(["go/leap", "python/leap"]);
		const python = find(suite, "python/leap");
		expect(python).toMatchObject({
			layout: "agent-evals",
			difficulty: "easy",
			dir: path.join(fixture("agent-evals"), "python", "leap"),
			solutionFiles: ["leap.py"],
			testFiles: ["leap_test.py"],
			instructionFiles: ["docs/instructions.md"],
			hiddenPaths: [".meta"],
		});
		expect(python.reference).toEqual([{ from: path.join(python.dir, ".meta", "solution", "leap.py"), to: "leap.py" }]);
		expect(find(suite, "go/leap").instructionFiles).toEqual(["docs/instructions.md", "docs/instructions.append.md"]);
		expect(suite.prompts.python).toMatch(/Python exercise/);
		expect(suite.prompts.go).toMatch(/Go exercise/);
		expect(suite.prompts.rust).toBeUndefined();
	});
});

describe("roo-code-evals layout", () => {
	it("finds files by convention and has no reference", async () => {
		const suite = await loadSuite(fixture("roo-code-evals"));
		expect(suite.layout).toBe("roo-code-evals");
		expect(suite.warnings).toEqual([]);
		const js = find(suite, "javascript/leap");
		expect(js).toMatchObject({
			solutionFiles: ["leap.js"],
			testFiles: ["leap.spec.js"],
			reference: [],
			hiddenPaths: [],
		});
		const rust = find(suite, "rust/leap");
		expect(rust).toMatchObject({ solutionFiles: ["src/lib.rs"], testFiles: ["tests/leap.rs"], reference: [] });
		expect(Object.keys(suite.prompts).sort()).toEqual(["javascript", "rust"]);
	});
});

describe("exercism layout", () => {
	it("loads practice exercises with .docs instructions and track difficulty", async () => {
		const suite = await loadSuite(fixture("exercism"));
		expect(suite.layout).toBe("exercism");
		expect(suite.warnings).toEqual([]);
		expect(suite.exercises.map((e) => `${e.language}/${e.name}`)).toEqual([
			"cpp/leap",
			"java/leap",
			"python/leap",
			"rust/leap",
		]);
		const python = find(suite, "python/leap");
		expect(python.dir).toBe(path.join(fixture("exercism"), "python", "exercises", "practice", "leap"));
		expect(python.instructionFiles).toEqual([".docs/instructions.md", ".docs/instructions.append.md"]);
		expect(python.difficulty).toBe("1");
		expect(python.hiddenPaths).toEqual([".meta"]);
	});

	it("maps example files onto the solution files they replace", async () => {
		const suite = await loadSuite(fixture("exercism"));
		const refs = (id: string) =>
			find(suite, id).reference.map((r) => [path.relative(find(suite, id).dir, r.from), r.to]);
		expect(refs("python/leap")).toEqual([[".meta/example.py", "leap.py"]]);
		// Solution lists src/lib.rs and Cargo.toml, one example: matched by extension.
		expect(refs("rust/leap")).toEqual([[".meta/example.rs", "src/lib.rs"]]);
		expect(refs("java/leap")).toEqual([[".meta/src/reference/java/Leap.java", "src/main/java/Leap.java"]]);
		// Same count, listed in a different order: matched by extension, not position.
		expect(refs("cpp/leap")).toEqual([
			[".meta/example.h", "leap.h"],
			[".meta/example.cpp", "leap.cpp"],
		]);
	});

	it("warns instead of guessing when examples cannot be mapped", () => {
		expect(mapExamples([".meta/example.py"], ["a.py", "b.py"])).toMatchObject({ ok: false });
		expect(mapExamples([".meta/a.py", ".meta/b.py"], ["x.py", "y.py"])).toEqual({
			ok: true,
			pairs: [
				{ from: ".meta/a.py", to: "x.py" },
				{ from: ".meta/b.py", to: "y.py" },
			],
		});
		expect(mapExamples([".meta/src/Foo.java", ".meta/src/Bar.java"], ["src/main/java/Bar.java"])).toMatchObject({
			ok: false,
		});
		expect(mapExamples([".meta/Bar.java", ".meta/Foo.java"], ["Foo.java", "Bar.java", "Baz.java"])).toEqual({
			ok: true,
			pairs: [
				{ from: ".meta/Bar.java", to: "Bar.java" },
				{ from: ".meta/Foo.java", to: "Foo.java" },
			],
		});
	});
});

describe("malformed metadata", () => {
	it("warns, falls back to conventions and skips exercises without tests, never throws", async () => {
		// Invalid JSON cannot live in the repository (Biome parses every .json file), so it is written here.
		const root = await tempDir();
		await cp(fixture("malformed"), root, { recursive: true });
		await mkdir(path.join(root, "python", "broken-json", ".meta"));
		await writeFile(path.join(root, "python", "broken-json", ".meta", "config.json"), '{ "files": { "solution": [');
		const suite = await loadSuite(root);
		expect(suite.exercises.map((e) => `${e.language}/${e.name}`)).toEqual([
			"go/no-meta",
			"python/bad-fields",
			"python/broken-json",
			"python/good",
		]);
		const warnings = suite.warnings.join("\n");
		expect(warnings).toMatch(/python\/broken-json: \.meta\/config\.json is not valid JSON/);
		expect(warnings).toMatch(/python\/bad-fields: .*"difficulty" is neither a string nor a number/);
		expect(warnings).toMatch(/python\/bad-fields: .*"files.test" is not a list of paths/);
		expect(warnings).toMatch(/python\/bad-fields: .*"\.\.\/outside\.py" leaves the exercise/);
		expect(warnings).toMatch(/python\/bad-fields: reference file \.meta\/solution\/missing\.py does not exist/);
		expect(warnings).toMatch(/python\/missing-tests: test file gone_test\.py listed in config\.json does not exist/);
		expect(warnings).toMatch(/python\/missing-tests: no test files found; exercise skipped/);
		expect(warnings).toMatch(/go\/no-meta: no \.meta\/config\.json/);

		expect(find(suite, "python/broken-json")).toMatchObject({
			testFiles: ["leap_test.py"],
			solutionFiles: ["leap.py"],
			reference: [],
		});
		expect(find(suite, "python/bad-fields")).toMatchObject({ testFiles: ["leap_test.py"], solutionFiles: ["leap.py"] });
		expect(find(suite, "python/bad-fields").difficulty).toBeUndefined();
		expect(find(suite, "go/no-meta")).toMatchObject({ testFiles: ["leap_test.go"], solutionFiles: ["leap.go"] });
		expect(find(suite, "python/good").reference).toHaveLength(1);
	});
});

describe("selectExercises", () => {
	it("filters by language and name", async () => {
		const suite = await loadSuite(fixture("exercism"));
		const ids = (list: Exercise[]) => list.map((e) => `${e.language}/${e.name}`);
		expect(ids(selectExercises(suite))).toHaveLength(4);
		expect(ids(selectExercises(suite, { include: ["python", "rust"] }))).toEqual(["python/leap", "rust/leap"]);
		expect(ids(selectExercises(suite, { exclude: ["java", "cpp"] }))).toEqual(["python/leap", "rust/leap"]);
		expect(ids(selectExercises(suite, { names: ["leap"], include: ["go"] }))).toEqual([]);
		expect(ids(selectExercises(suite, { names: ["rust/leap", "java/leap"] }))).toEqual(["java/leap", "rust/leap"]);
	});

	it("throws UnknownExerciseError with close matches", async () => {
		const suite = await loadSuite(fixture("exercism"));
		let error: unknown;
		try {
			selectExercises(suite, { names: ["leep", "go/leap", "zzzzzzzz"] });
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(UnknownExerciseError);
		const unknown = (error as UnknownExerciseError).unknown;
		expect(unknown.map((u) => u.name)).toEqual(["leep", "go/leap", "zzzzzzzz"]);
		expect(unknown[0]?.suggestions).toEqual(["leap"]);
		expect(unknown[1]?.suggestions).toEqual(expect.arrayContaining(["python/leap", "rust/leap"]));
		expect(unknown[2]?.suggestions).toEqual([]);
		expect((error as Error).message).toMatch(/unknown exercise "leep" \(did you mean "leap"\?\)/);
	});
});

describe("workspaces", () => {
	it("copies the exercise without .meta and build output, keeping .docs and file modes", async () => {
		// A scratch copy of the suite, dirtied with build output as a previous run would leave it.
		const root = await tempDir();
		await cp(fixture("exercism"), root, { recursive: true });
		const javaDir = path.join(root, "java", "exercises", "practice", "leap");
		await mkdir(path.join(javaDir, "build", "classes"), { recursive: true });
		await writeFile(path.join(javaDir, "build", "classes", "Leap.class"), "");
		await mkdir(path.join(javaDir, ".gradle"), { recursive: true });
		await writeFile(path.join(javaDir, ".gradle", "cache"), "");
		await mkdir(path.join(javaDir, "src", "main", "java", "node_modules"), { recursive: true });
		await writeFile(path.join(javaDir, "src", "main", "java", "node_modules", "x.js"), "");
		// A file that happens to share a build folder's name is not build output.
		await writeFile(path.join(javaDir, "target"), "");
		const suite = await loadSuite(root);

		const dest = path.join(await tempDir(), "leap");
		await prepareWorkspace(find(suite, "java/leap"), dest);
		expect(await filesUnder(dest)).toEqual([
			".docs/instructions.md",
			"build.gradle",
			"gradle/wrapper/gradle-wrapper.jar",
			"gradle/wrapper/gradle-wrapper.properties",
			"gradlew",
			"src/main/java/Leap.java",
			"src/test/java/LeapTest.java",
			"target",
		]);
		expect((await stat(path.join(dest, "gradlew"))).mode & 0o111).not.toBe(0);
	});

	it("hides .meta for our layout and refuses a non-empty destination", async () => {
		const suite = await loadSuite(fixture("agent-evals"));
		const exercise = find(suite, "python/leap");
		const dest = await tempDir();
		await prepareWorkspace(exercise, dest);
		expect(await filesUnder(dest)).toEqual(["docs/instructions.md", "leap.py", "leap_test.py"]);
		await expect(prepareWorkspace(exercise, dest)).rejects.toBeInstanceOf(WorkspaceError);
	});

	it("writes the reference solution at workspace paths, outside the workspace", async () => {
		const suite = await loadSuite(fixture("exercism"));
		const exercise = find(suite, "java/leap");
		const dest = await tempDir();
		expect(await prepareReference(exercise, dest)).toEqual(["src/main/java/Leap.java"]);
		expect(await readFile(path.join(dest, "src/main/java/Leap.java"), "utf8")).toMatch(/year % 400 == 0/);
		const roo = await loadSuite(fixture("roo-code-evals"));
		expect(await prepareReference(find(roo, "rust/leap"), await tempDir())).toEqual([]);
	});

	it("restores tampered and deleted tests and reports them", async () => {
		const suite = await loadSuite(fixture("exercism"));
		const exercise = find(suite, "java/leap");
		const ws = await tempDir();
		await prepareWorkspace(exercise, ws);
		expect(await restoreTests(exercise, ws)).toEqual({ tampered: [], removed: [] });

		const testFile = path.join(ws, "src/test/java/LeapTest.java");
		await writeFile(testFile, "public class LeapTest {}\n");
		expect(await restoreTests(exercise, ws)).toEqual({ tampered: ["src/test/java/LeapTest.java"], removed: [] });
		expect(await readFile(testFile, "utf8")).toBe(
			await readFile(path.join(exercise.dir, exercise.testFiles[0] ?? ""), "utf8"),
		);

		await rm(path.join(ws, "src/test"), { recursive: true });
		expect(await restoreTests(exercise, ws)).toEqual({ tampered: ["src/test/java/LeapTest.java"], removed: [] });
		expect(await readFile(testFile, "utf8")).toMatch(/class LeapTest/);
	});

	it("does not count unskipping as tampering", async () => {
		const suite = await loadSuite(fixture("exercism"));
		const exercise = find(suite, "python/leap");
		const ws = await tempDir();
		await prepareWorkspace(exercise, ws);
		expect(await unskipTests(exercise.language, ws, exercise.testFiles)).toEqual(["leap_test.py"]);
		expect(await readFile(path.join(ws, "leap_test.py"), "utf8")).not.toMatch(/skip/);
		expect(await restoreTests(exercise, ws)).toEqual({ tampered: [], removed: [] });
		await unlink(path.join(ws, "leap_test.py"));
		expect(await restoreTests(exercise, ws)).toEqual({ tampered: ["leap_test.py"], removed: [] });
	});
});

describe("unskip", () => {
	it("javascript and typescript", () => {
		const source = [
			'xtest("a", () => {});',
			'xit("b", () => {});',
			'xdescribe("c", () => {',
			'  test.skip("d", () => {});',
			'  it.skip("e", () => {});',
			"});",
			'describe.skip("f", () => {});',
			'test.todo("g");',
			'test.skip.each([1])("h %i", () => {});',
			'foo.xtest("not a test");',
			'const xit2 = "xit(";',
		].join("\n");
		const expected = [
			'test("a", () => {});',
			'it("b", () => {});',
			'describe("c", () => {',
			'  test("d", () => {});',
			'  it("e", () => {});',
			"});",
			'describe("f", () => {});',
			'test.todo("g");',
			'test.each([1])("h %i", () => {});',
			'foo.xtest("not a test");',
			'const xit2 = "it(";',
		].join("\n");
		expect(unskipSource("javascript", source)).toBe(expected);
		expect(unskipSource("typescript", source)).toBe(expected);
	});

	it("java", () => {
		const source = [
			"import org.junit.jupiter.api.Disabled;",
			"import org.junit.Ignore;",
			"",
			'    @Disabled("Remove to run test")',
			"    @Test",
			"    public void a() {}",
			"",
			'    @Disabled("Remove (to) run \\"test\\"") @Test',
			"    public void b() {}",
			"    @Ignore",
			"    @Test public void c() {}",
			"    @org.junit.jupiter.api.Disabled @Test public void d() {}",
		].join("\r\n");
		expect(unskipSource("java", source)).toBe(
			[
				"import org.junit.jupiter.api.Disabled;",
				"import org.junit.Ignore;",
				"",
				"    @Test",
				"    public void a() {}",
				"",
				"    @Test",
				"    public void b() {}",
				"    @Test public void c() {}",
				"    @Test public void d() {}",
			].join("\r\n"),
		);
	});

	it("python", () => {
		const source = [
			"import unittest",
			"import pytest",
			"",
			"class T(unittest.TestCase):",
			'    @unittest.skip("later")',
			"    def test_a(self): pass",
			"",
			"    @unittest.skipIf(",
			"        True,",
			'        "reason (with parentheses)",',
			"    )",
			"    def test_b(self): pass",
			"",
			'@pytest.mark.skip(reason="later")',
			"def test_c(): pass",
			"",
			"@pytest.mark.skipif(sys.version_info < (3, 8), reason='old')",
			"def test_d(): pass",
			"",
			"@pytest.mark.task(taskno=1)",
			"def test_e(): pass",
			"",
		].join("\n");
		expect(unskipSource("python", source)).toBe(
			[
				"import unittest",
				"import pytest",
				"",
				"class T(unittest.TestCase):",
				"    def test_a(self): pass",
				"",
				// Conditional skips guard the test's own assumptions: they stay.
				"    @unittest.skipIf(",
				"        True,",
				'        "reason (with parentheses)",',
				"    )",
				"    def test_b(self): pass",
				"",
				"def test_c(): pass",
				"",
				"@pytest.mark.skipif(sys.version_info < (3, 8), reason='old')",
				"def test_d(): pass",
				"",
				"@pytest.mark.task(taskno=1)",
				"def test_e(): pass",
				"",
			].join("\n"),
		);
	});

	it("rust", () => {
		const source = [
			"#[test]",
			"#[ignore]",
			"fn a() {}",
			"",
			"#[test]",
			'#[ignore = "not yet"]',
			"fn b() {}",
			"#[test] #[ignore] fn c() {}",
		].join("\n");
		expect(unskipSource("rust", source)).toBe(
			["#[test]", "fn a() {}", "", "#[test]", "fn b() {}", "#[test] fn c() {}"].join("\n"),
		);
	});

	it("go: only skips that open a test function, never a conditional one", () => {
		const source = [
			"func TestA(t *testing.T) {",
			'\tt.Skip("later")',
			"\tcheck(t)",
			"}",
			"func TestB(t *testing.T) {",
			"\t// pending",
			'\tt.Skipf("later %d", 1) // comment',
			"",
			"\tt.SkipNow()",
			"\treader.Skip(3)",
			"}",
			"func TestC(tt *testing.T) {",
			"\tfor _, tc := range cases {",
			"\t\tif tc.n2 == nil {",
			'\t\t\ttt.Skip("no second node")',
			"\t\t}",
			"\t}",
			'\ttt.Skip("after a statement")',
			"}",
		].join("\n");
		expect(unskipSource("go", source)).toBe(
			[
				"func TestA(t *testing.T) {",
				"\tcheck(t)",
				"}",
				"func TestB(t *testing.T) {",
				"\t// pending",
				"",
				"\treader.Skip(3)",
				"}",
				"func TestC(tt *testing.T) {",
				"\tfor _, tc := range cases {",
				"\t\tif tc.n2 == nil {",
				'\t\t\ttt.Skip("no second node")',
				"\t\t}",
				"\t}",
				'\ttt.Skip("after a statement")',
				"}",
			].join("\n"),
		);
	});

	it("c++ is left to the EXERCISM_RUN_ALL_TESTS define", () => {
		const source = '#if defined(EXERCISM_RUN_ALL_TESTS)\nTEST_CASE("x") {}\n#endif\n';
		expect(unskipSource("cpp", source)).toBe(source);
	});
});
