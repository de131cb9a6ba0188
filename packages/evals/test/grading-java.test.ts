import { cp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite, prepareReference, prepareWorkspace } from "../src/exercises/index.js";
import { generatedPom, gradeExercise, gradleDependencies, JavaRunner } from "../src/grading/index.js";
import { getSandbox } from "../src/sandbox/index.js";
import { fixtureSuite, onPath, tempDirs } from "./helpers/grading.js";

const suiteRoot = fixtureSuite("exercism");
const sandbox = getSandbox("local");

const tempDir = tempDirs("evals-java-");

async function javaWorkspace(solved: boolean) {
	const suite = await loadSuite(suiteRoot);
	const ex = suite.exercises.find((candidate) => candidate.language === "java");
	if (!ex) throw new Error("java/leap missing from the fixture suite");
	const ws = path.join(await tempDir(), ex.name);
	await prepareWorkspace(ex, ws);
	if (solved) {
		const reference = await tempDir();
		await prepareReference(ex, reference);
		await cp(reference, ws, { recursive: true });
	}
	return { ex, ws };
}

describe("java build helpers", () => {
	it("reads literal dependencies from build.gradle and leaves JUnit to the generated pom", () => {
		const gradle = [
			"dependencies {",
			'    testImplementation platform("org.junit:junit-bom:5.10.0")',
			'    testImplementation "org.junit.jupiter:junit-jupiter"',
			"    testImplementation 'org.assertj:assertj-core:3.25.1'",
			'    implementation("com.google.code.gson:gson:2.10.1")',
			'    testImplementation group: "junit", name: "junit", version: "4.13.2"',
			'    implementation "org.example:managed"',
			"}",
		].join("\n");
		expect(gradleDependencies(gradle)).toEqual({
			dependencies: [
				{ groupId: "org.assertj", artifactId: "assertj-core", version: "3.25.1", scope: "test" },
				{ groupId: "com.google.code.gson", artifactId: "gson", version: "2.10.1", scope: "compile" },
			],
			junit4: true,
			skipped: ["org.example:managed"],
		});
		const pom = generatedPom({ workspace: "/w/a&b", buildDir: "/tmp/x/target", dependencies: [], junit4: true });
		expect(pom).toContain("<sourceDirectory>/w/a&amp;b/src/main/java</sourceDirectory>");
		expect(pom).toContain("<artifactId>junit-vintage-engine</artifactId>");
		expect(pom).toContain("<workingDirectory>/w/a&amp;b</workingDirectory>");
	});
});

// Maven's first run on a machine downloads its plugins; later runs take a few seconds each.
describe.skipIf(!onPath("mvn") || !onPath("java"))("java grading with Maven (skipped: mvn or java not on PATH)", () => {
	it("falls back from a Gradle wrapper that cannot download Gradle to Maven, fails the stub, passes the reference", async () => {
		const stub = await javaWorkspace(false);
		const failed = await gradeExercise(stub.ex, stub.ws, sandbox);
		expect(failed).toMatchObject({
			verdict: "failed",
			summary: "0 passed, 3 failed",
			unskipped: ["src/test/java/LeapTest.java"],
		});
		const commands = failed.commands.map((c) => c.command);
		expect(commands[0]).toBe("sh ./gradlew --version --no-daemon --console=plain");
		expect(commands[1]).toMatch(/^mvn -q -B -Dstyle.color=never -f '.*agent-evals-maven-.*\/pom\.xml' test$/);
		expect(failed.output).toMatch(/testing with Maven and a pom generated in/);
		// Maven wrote nothing into the workspace.
		await expect(readFile(path.join(stub.ws, "target", "surefire-reports"))).rejects.toThrow();

		const solved = await javaWorkspace(true);
		const passed = await gradeExercise(solved.ex, solved.ws, sandbox);
		expect(passed).toMatchObject({ verdict: "passed", summary: "3 passed" });
	}, 600_000);

	it("builds with the exercise's own pom.xml when it has one, and fails a compile error", async () => {
		// An exercise that ships a pom.xml (and no Gradle wrapper): a scratch copy of the fixture.
		const root = await tempDir();
		await cp(suiteRoot, root, { recursive: true });
		const exerciseDir = path.join(root, "java", "exercises", "practice", "leap");
		await rm(path.join(exerciseDir, "gradlew"));
		const ws = path.join(await tempDir(), "leap");
		// Like the generated pom, but part of the exercise: grading runs plain `mvn -q -B test` (no -f).
		const pom = generatedPom({ workspace: ws, buildDir: path.join(ws, "target"), dependencies: [], junit4: false });
		await writeFile(path.join(exerciseDir, "pom.xml"), pom);
		const ex = (await loadSuite(root)).exercises.find((candidate) => candidate.language === "java");
		if (!ex) throw new Error("java/leap missing from the scratch suite");
		expect(ex.configFiles).toContain("pom.xml");
		await prepareWorkspace(ex, ws);
		const reference = await tempDir();
		await prepareReference(ex, reference);
		await cp(reference, ws, { recursive: true });

		const suiteRunner = new JavaRunner();
		const passed = await gradeExercise(ex, ws, sandbox, { runner: suiteRunner });
		expect(passed).toMatchObject({ verdict: "passed", summary: "3 passed", tampered: [] });
		expect(passed.commands.map((c) => c.command)).toEqual(["mvn -q -B -Dstyle.color=never test"]);

		await writeFile(path.join(ws, "src/main/java/Leap.java"), "class Leap { boolean isLeapYear(int y) { return } }\n");
		expect(await suiteRunner.grade(ws, ex, sandbox)).toMatchObject({ verdict: "failed", summary: "build failed" });
	}, 600_000);
});
