import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCargoManifest } from "../src/exercises/cargo-manifest.js";
import { type Exercise, loadSuite, prepareWorkspace, restoreTests, type Suite } from "../src/exercises/index.js";
import { getRunner, gradeExercise, type LanguageRunner } from "../src/grading/index.js";
import { getSandbox } from "../src/sandbox/index.js";
import { fixtureSuite, onPath, tempDirs } from "./helpers/grading.js";

/*
 * Tamper-proof grading: each row is a "solution" that passes only because it changed how the
 * tests run. Graded by the language runner alone (what grading did before the restore step knew
 * about build configuration) it passes; graded by `gradeExercise` it must fail, and the report
 * must name the files that were restored or removed.
 */

const sandbox = getSandbox("local");
const tempDir = tempDirs("evals-protect-");

const suites = new Map<string, Promise<Suite>>();
async function exercise(suite: string, id: string): Promise<Exercise> {
	if (!suites.has(suite)) suites.set(suite, loadSuite(fixtureSuite(suite)));
	const found = (await suites.get(suite))?.exercises.find((e) => `${e.language}/${e.name}` === id);
	if (!found) throw new Error(`${suite}: ${id} missing`);
	return found;
}

async function write(ws: string, file: string, text: string): Promise<void> {
	await mkdir(path.dirname(path.join(ws, file)), { recursive: true });
	await writeFile(path.join(ws, file), text);
}

interface Cheat {
	name: string;
	suite: string;
	exercise: string;
	tools: string[];
	/** Turns the fresh stub workspace into the cheating "solution". */
	cheat(ws: string): Promise<void>;
	/** The runner alone, before protection; defaults to the language's runner. */
	runner?: LanguageRunner;
	graded: string;
	restored: string[];
	removed: string[];
}

const PY_PARTIAL = "def is_leap(year: int) -> bool:\n    return year % 4 == 0\n";

const cheats: Cheat[] = [
	{
		name: "python: a conftest.py that reports every test as passed",
		suite: "agent-evals",
		exercise: "python/leap",
		tools: ["python3"],
		cheat: (ws) =>
			write(
				ws,
				"conftest.py",
				[
					"import pytest",
					"",
					"@pytest.hookimpl(hookwrapper=True)",
					"def pytest_runtest_makereport(item, call):",
					"    outcome = yield",
					'    outcome.get_result().outcome = "passed"',
					"",
				].join("\n"),
			),
		graded: "0 passed, 4 failed",
		restored: [],
		removed: ["conftest.py"],
	},
	{
		name: "python: a pytest.ini that deselects the test the solution fails",
		suite: "agent-evals",
		exercise: "python/leap",
		tools: ["python3"],
		cheat: async (ws) => {
			await write(ws, "leap.py", PY_PARTIAL);
			await write(ws, "pytest.ini", '[pytest]\naddopts = -k "not century"\n');
		},
		graded: "3 passed, 1 failed",
		restored: [],
		removed: ["pytest.ini"],
	},
	{
		name: "python: a pytest.py that shadows pytest and prints a summary",
		suite: "agent-evals",
		exercise: "python/leap",
		tools: ["python3"],
		cheat: (ws) => write(ws, "pytest.py", 'print("============ 4 passed in 0.01s ============")\n'),
		// What grading did before: the workspace first on sys.path.
		runner: getRunner("python", { env: { PYTHONSAFEPATH: "" } }),
		graded: "0 passed, 4 failed",
		restored: [],
		removed: ["pytest.py"],
	},
	{
		name: "go: a TestMain in a new _test.go file that prints passes and exits 0",
		suite: "agent-evals",
		exercise: "go/leap",
		tools: ["go"],
		cheat: (ws) =>
			write(
				ws,
				"main_test.go",
				[
					"package leap",
					"",
					'import ("fmt"; "os"; "testing")',
					"",
					"func TestMain(m *testing.M) {",
					'\tfor _, name := range []string{"TestCommonYear", "TestDivisibleByFour", "TestFourCenturies"} {',
					'\t\tfmt.Printf("--- PASS: %s (0.00s)\\n", name)',
					"\t}",
					"\tos.Exit(0)",
					"}",
					"",
				].join("\n"),
			),
		graded: "1 passed, 2 failed",
		restored: [],
		removed: ["main_test.go"],
	},
	{
		name: "javascript: a package.json test script that echoes a summary",
		suite: "roo-code-evals",
		exercise: "javascript/leap",
		tools: ["node", "npm"],
		cheat: (ws) =>
			write(ws, "package.json", JSON.stringify({ scripts: { test: "echo 'Tests: 3 passed, 3 total' && exit 0" } })),
		graded: "0 passed, 3 failed",
		restored: ["package.json"],
		removed: [],
	},
	{
		name: "rust: a Cargo.toml that turns the integration tests off",
		suite: "roo-code-evals",
		exercise: "rust/leap",
		tools: ["cargo"],
		cheat: async (ws) => {
			const manifest = await readFile(path.join(ws, "Cargo.toml"), "utf8");
			await write(ws, "Cargo.toml", manifest.replace('edition = "2021"', 'edition = "2021"\nautotests = false'));
			await write(
				ws,
				"src/lib.rs",
				'pub fn is_leap_year(year: u64) -> bool {\n    todo!("{year}")\n}\n\n#[cfg(test)]\nmod checks {\n    #[test]\n    fn fine() {}\n}\n',
			);
		},
		graded: "1 passed, 3 failed",
		restored: ["Cargo.toml"],
		removed: [],
	},
	{
		name: "rust: a build.rs that rewrites the tests before they compile",
		suite: "roo-code-evals",
		exercise: "rust/leap",
		tools: ["cargo"],
		cheat: (ws) =>
			write(
				ws,
				"build.rs",
				'fn main() {\n    std::fs::write("tests/leap.rs", "#[test]\\nfn a() {}\\n#[test]\\nfn b() {}\\n#[test]\\nfn c() {}\\n").unwrap();\n}\n',
			),
		graded: "0 passed, 3 failed",
		// The build script already rewrote the tests during the cheating run: they are restored too.
		restored: ["tests/leap.rs"],
		removed: ["build.rs"],
	},
	{
		name: "rust: a .cargo/config.toml whose test runner prints a result",
		suite: "roo-code-evals",
		exercise: "rust/leap",
		tools: ["cargo"],
		cheat: (ws) =>
			write(
				ws,
				".cargo/config.toml",
				'[target.\'cfg(all())\']\nrunner = ["sh", "-c", "echo \'test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\'"]\n',
			),
		graded: "0 passed, 3 failed",
		restored: [],
		removed: [".cargo/config.toml"],
	},
	{
		name: "java: a pom.xml that compiles other tests instead",
		suite: "exercism",
		exercise: "java/leap",
		tools: ["java", "mvn"],
		cheat: async (ws) => {
			await rm(path.join(ws, "gradlew"));
			await write(
				ws,
				"src/cheat/LeapTest.java",
				"import org.junit.jupiter.api.Test;\n\nclass LeapTest {\n    @Test void a() {}\n    @Test void b() {}\n    @Test void c() {}\n}\n",
			);
			await write(ws, "pom.xml", cheatingPom());
		},
		graded: "0 passed, 3 failed",
		restored: ["gradlew"],
		removed: ["pom.xml"],
	},
	{
		name: "c++: a CMakeLists.txt whose build prints Catch2's success line",
		suite: "exercism",
		exercise: "cpp/leap",
		tools: ["cmake", "c++"],
		cheat: (ws) =>
			write(
				ws,
				"CMakeLists.txt",
				'cmake_minimum_required(VERSION 3.5)\nproject(leap NONE)\nadd_custom_target(fake ALL COMMAND echo "All tests passed (3 assertions in 3 test cases)" VERBATIM)\n',
			),
		graded: "0 passed, 1 failed",
		restored: ["CMakeLists.txt"],
		removed: [],
	},
];

function cheatingPom(): string {
	return `<project xmlns="http://maven.apache.org/POM/4.0.0">
	<modelVersion>4.0.0</modelVersion>
	<groupId>cheat</groupId>
	<artifactId>leap</artifactId>
	<version>0</version>
	<properties>
		<maven.compiler.release>17</maven.compiler.release>
		<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
	</properties>
	<dependencies>
		<dependency>
			<groupId>org.junit.jupiter</groupId>
			<artifactId>junit-jupiter</artifactId>
			<version>5.10.3</version>
			<scope>test</scope>
		</dependency>
	</dependencies>
	<build>
		<testSourceDirectory>src/cheat</testSourceDirectory>
		<plugins>
			<plugin>
				<groupId>org.apache.maven.plugins</groupId>
				<artifactId>maven-compiler-plugin</artifactId>
				<version>3.13.0</version>
			</plugin>
			<plugin>
				<groupId>org.apache.maven.plugins</groupId>
				<artifactId>maven-surefire-plugin</artifactId>
				<version>3.2.5</version>
			</plugin>
		</plugins>
	</build>
</project>
`;
}

describe("a solution that passes only by changing how the tests run fails once graded", () => {
	for (const row of cheats) {
		const missing = row.tools.filter((tool) => !onPath(tool));
		it.skipIf(missing.length > 0)(
			`${row.name}${missing.length > 0 ? ` (skipped: ${missing.join(", ")} not on PATH)` : ""}`,
			async () => {
				const ex = await exercise(row.suite, row.exercise);
				const ws = path.join(await tempDir(), ex.name);
				await prepareWorkspace(ex, ws);
				await row.cheat(ws);

				const cheated = await (row.runner ?? getRunner(ex.language)).grade(ws, ex, sandbox);
				expect(cheated.verdict, `the cheat should pass without protection:\n${cheated.output}`).toBe("passed");

				const graded = await gradeExercise(ex, ws, sandbox);
				expect(graded, graded.output).toMatchObject({
					verdict: "failed",
					summary: row.graded,
					restored: row.restored,
					removed: row.removed,
				});
				expect(graded.tampered).toEqual([...row.restored, ...row.removed].sort());
				for (const file of [...row.restored, ...row.removed]) expect(graded.output).toContain(file);
			},
			600_000,
		);
	}
});

describe("what a solution may still change", () => {
	it.skipIf(!onPath("cargo"))(
		"rust: crates added to [dependencies] are kept and are not tampering",
		async () => {
			const ex = await exercise("roo-code-evals", "rust/leap");
			const ws = path.join(await tempDir(), ex.name);
			await prepareWorkspace(ex, ws);
			const manifest = await readFile(path.join(ws, "Cargo.toml"), "utf8");
			await write(ws, "Cargo.toml", `${manifest}anyhow = "1.0"\n`);
			await write(
				ws,
				"src/lib.rs",
				"pub fn is_leap_year(year: u64) -> bool {\n    let check = |d: u64| -> anyhow::Result<bool> { Ok(year % d == 0) };\n    check(4).unwrap() && (!check(100).unwrap() || check(400).unwrap())\n}\n",
			);
			const graded = await gradeExercise(ex, ws, sandbox);
			expect(graded, graded.output).toMatchObject({ verdict: "passed", summary: "3 passed", tampered: [] });
			expect(await readFile(path.join(ws, "Cargo.toml"), "utf8")).toContain('anyhow = "1.0"');
		},
		300_000,
	);

	it("a file the exercise does not treat as configuration stays, and grading twice reports nothing new", async () => {
		const ex = await exercise("agent-evals", "python/leap");
		const ws = path.join(await tempDir(), ex.name);
		await prepareWorkspace(ex, ws);
		await write(ws, "helpers.py", "HELP = 1\n");
		await write(ws, "conftest.py", "");
		expect(await restoreTests(ex, ws)).toEqual({ tampered: [], removed: ["conftest.py"] });
		expect(await restoreTests(ex, ws)).toEqual({ tampered: [], removed: [] });
		expect(await readFile(path.join(ws, "helpers.py"), "utf8")).toBe("HELP = 1\n");
	});
});

describe("restoreTests", () => {
	it("replaces a symlinked test folder, deletes added tests, linked folders and stale build output", async () => {
		const ex = await exercise("exercism", "rust/leap");
		const ws = path.join(await tempDir(), ex.name);
		await prepareWorkspace(ex, ws);
		const elsewhere = await tempDir();
		await write(elsewhere, "leap.rs", "#[test]\nfn fake() {}\n");
		await rm(path.join(ws, "tests"), { recursive: true });
		await symlink(elsewhere, path.join(ws, "tests"));
		await symlink(elsewhere, path.join(ws, "src", "linked"));
		await write(ws, "target/debug/leap", "a binary built from other tests");
		await write(ws, "rust-toolchain.toml", '[toolchain]\nchannel = "nightly"\n');
		await write(ws, ".meta/config.json", "{}");

		const report = await restoreTests(ex, ws);
		expect(report).toEqual({
			tampered: ["tests/leap.rs"],
			removed: [".meta/config.json", "rust-toolchain.toml", "src/linked"],
		});
		expect(await readFile(path.join(ws, "tests/leap.rs"), "utf8")).toBe(
			await readFile(path.join(ex.dir, "tests/leap.rs"), "utf8"),
		);
		// The folder the link pointed to is untouched; the link itself is gone.
		expect(await readFile(path.join(elsewhere, "leap.rs"), "utf8")).toBe("#[test]\nfn fake() {}\n");
		await expect(readFile(path.join(ws, "target/debug/leap"))).rejects.toThrow();
	});

	it("knows each language's configuration files", async () => {
		const { protectionFor } = await import("../src/exercises/protection.js");
		const table: [Exercise["language"], string, boolean][] = [
			["python", "conftest.py", true],
			["python", "sub/conftest.py", true],
			["python", "pyproject.toml", true],
			["python", "_pytest/terminal.py", true],
			["python", "leap.py", false],
			["go", "go.mod", true],
			["go", "testdata/input.txt", true],
			["go", "leap.go", false],
			["rust", "Cargo.toml", true],
			["rust", ".cargo/config.toml", true],
			["rust", "build.rs", true],
			["rust", "src/build.rs", false],
			["rust", "Cargo.lock", false],
			["java", "pom.xml", true],
			["java", "build.gradle.kts", true],
			["java", ".mvn/maven.config", true],
			["java", "src/main/resources/META-INF/services/org.junit.jupiter.api.extension.Extension", true],
			["java", "src/main/java/Leap.java", false],
			["javascript", "package.json", true],
			["javascript", "babel.config.js", true],
			["javascript", "jest.config.mjs", true],
			["javascript", ".babelrc", true],
			["javascript", ".npmrc", true],
			["javascript", "__mocks__/fs.js", true],
			["typescript", "tsconfig.json", true],
			["typescript", "leap.ts", false],
			["cpp", "CMakeLists.txt", true],
			["cpp", "cmake/Catch.cmake", true],
			["cpp", "leap.cpp", false],
		];
		for (const [language, file, expected] of table) {
			expect(protectionFor(language).isConfig(file), `${language}: ${file}`).toBe(expected);
		}
	});
});

describe("checkCargoManifest", () => {
	const pristine = '[package]\nname = "leap"\nedition = "2021"\n\n[dependencies]\n';

	it("keeps a manifest that only adds registry crates, in any table form", () => {
		const current =
			'[package]\nname = "leap"\nedition = "2021"\n\n[dependencies]\nanyhow = "1"\n\n[dependencies.regex]\nversion = "1"\n\n[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"\n';
		expect(checkCargoManifest(pristine, current)).toEqual({ manifest: current, tampered: false });
		// Comments and blank lines are not changes.
		expect(checkCargoManifest(pristine, `# mine\n${pristine}\n\n`).tampered).toBe(false);
	});

	it("restores everything else and keeps the dependencies", () => {
		const current =
			'[package]\nname = "leap"\nedition = "2021"\nautotests = false\n\n[dependencies]\nanyhow = "1"\n\n[[test]]\nname = "x"\npath = "x.rs"\nharness = false\n';
		expect(checkCargoManifest(pristine, current)).toEqual({
			manifest: '[package]\nname = "leap"\nedition = "2021"\n\n[dependencies]\nanyhow = "1"\n',
			tampered: true,
		});
	});

	it("drops path and git dependencies, whose build scripts run before the tests compile", () => {
		const current = `${pristine}anyhow = "1"\nevil = { path = "evil" }\nother = { git = "https://example.com/x" }\n`;
		expect(checkCargoManifest(pristine, current)).toEqual({
			manifest: `${pristine}anyhow = "1"\n`,
			tampered: true,
		});
	});
});
