import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isDirectory, isFile } from "../exercises/files.js";
import type { Exercise } from "../exercises/types.js";
import { prepareWorkspace } from "../exercises/workspace.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { judgeCounts, NO_TESTS } from "./counts.js";
import { generatedPom, gradleDependencies, readJUnitReports } from "./java-build.js";
import { warmMaven } from "./offline-deps.js";
import type { GradeOptions, GradeResult, LanguageRunner, RunnerOptions, Verdict } from "./runner.js";
import { type GradingSession, GradingStop, runGrading } from "./session.js";

// A wrapper that has to download Gradle gets this long to prove it can before we fall back.
const WRAPPER_PROBE_TIMEOUT_MS = 30_000;

const DEPENDENCY_FAILURE =
	/Could not resolve (dependencies|all files|all dependencies)|Could not transfer artifact|Could not GET|Could not download|Non-resolvable|UnknownHostException|Connection refused|Could not resolve host|services\.gradle\.org|in offline mode|Network is unreachable/;
const COMPILE_FAILURE =
	/COMPILATION ERROR|Compilation failed|compileJava FAILED|compileTestJava FAILED|error: cannot find symbol/;

interface JavaBuild {
	tool: string;
	command: string;
	/** Where the JUnit XML reports of this build land. */
	reportsDir: string;
	cleanup?: () => Promise<void>;
	/** Maven builds: the pom of a pristine copy of the exercise at `workspace`, to download what the build needs. */
	pristinePom?: (workspace: string) => Promise<{ pom: string; text: string }>;
}

/**
 * Java, in order of preference: the exercise's Gradle wrapper if it works (it needs to download
 * Gradle the first time, which fails fast offline), `gradle` from PATH, then Maven: with the
 * workspace's pom.xml, or else with a pom generated outside the workspace that builds its
 * Gradle-layout src/ folders with JUnit 5 (and JUnit 4 through the vintage engine when
 * build.gradle asks for it). Results come from the JUnit XML reports, the one format all three
 * write.
 */
export class JavaRunner implements LanguageRunner {
	readonly language = "java";
	readonly requiredTools = ["java"];

	constructor(private readonly options: RunnerOptions = {}) {}

	grade(workspace: string, exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult> {
		const env = this.options.env ?? {};
		return runGrading({ runner: this, sandbox, workspace, options, env }, async (session) => {
			const build = await this.chooseBuild(session, workspace);
			try {
				await rm(build.reportsDir, { recursive: true, force: true });
				let result = await session.run(build.command);
				// Offline, a build whose plugins or dependencies are not in ~/.m2 yet gets them on
				// the host (from the exercise's own files) and runs once more.
				if (session.offline && build.pristinePom && result.exitCode !== 0 && DEPENDENCY_FAILURE.test(result.output)) {
					await this.prepareMaven(session, exercise, build.pristinePom);
					await rm(build.reportsDir, { recursive: true, force: true });
					result = await session.run(build.command);
				}
				const counts = await readJUnitReports(build.reportsDir);
				if (counts === undefined || counts.passed + counts.failed + counts.skipped === 0) {
					return explainNoResults(build.tool, result.output, result.exitCode);
				}
				return judgeCounts(counts, result.exitCode === 0);
			} finally {
				await build.cleanup?.();
			}
		});
	}

	private async chooseBuild(session: GradingSession, workspace: string): Promise<JavaBuild> {
		const buildFile = (await isFile(path.join(workspace, "build.gradle")))
			? "build.gradle"
			: (await isFile(path.join(workspace, "build.gradle.kts")))
				? "build.gradle.kts"
				: undefined;
		const gradleReports = path.join(workspace, "build", "test-results", "test");
		const tried: string[] = [];

		if (buildFile && (await this.wrapperWorks(session, workspace))) {
			return { tool: "gradlew", command: "sh ./gradlew test --no-daemon --console=plain", reportsDir: gradleReports };
		}
		if (buildFile && (await isFile(path.join(workspace, "gradlew")))) tried.push("the Gradle wrapper does not work");

		const missing = await session.missingTools(["gradle", "mvn"]);
		if (buildFile && !missing.includes("gradle")) {
			return { tool: "gradle", command: "gradle test --no-daemon --console=plain", reportsDir: gradleReports };
		}
		tried.push(missing.includes("gradle") ? "gradle not found on PATH" : "no build.gradle for gradle");
		if (missing.includes("mvn")) {
			throw new GradingStop("infra", `no Java build tool: ${[...tried, "mvn not found on PATH"].join(", ")}`);
		}
		if (await isFile(path.join(workspace, "pom.xml"))) {
			return {
				tool: "mvn",
				command: "mvn -q -B -Dstyle.color=never test",
				reportsDir: path.join(workspace, "target", "surefire-reports"),
				pristinePom: async (pristine) => {
					const pom = path.join(pristine, "pom.xml");
					return { pom, text: await readFile(pom, "utf8") };
				},
			};
		}
		if (!buildFile && !(await isDirectory(path.join(workspace, "src")))) {
			throw new GradingStop("failed", "no build.gradle, pom.xml or src/ folder");
		}

		const temp = await mkdtemp(path.join(os.tmpdir(), "agent-evals-maven-"));
		const gradleText = buildFile ? await readFile(path.join(workspace, buildFile), "utf8") : "";
		const { dependencies, junit4, skipped } = gradleDependencies(gradleText);
		if (skipped.length > 0)
			session.note(`dependencies without a literal version, left out of the pom: ${skipped.join(", ")}`);
		const buildDir = path.join(temp, "target");
		await writeFile(path.join(temp, "pom.xml"), generatedPom({ workspace, buildDir, dependencies, junit4 }));
		session.note(`${tried.join(", ")}: testing with Maven and a pom generated in ${temp}`);
		// Maven writes its build there, outside the workspace: a confining sandbox must let it.
		session.allowPaths({ writable: [temp] });
		return {
			tool: "mvn",
			command: `mvn -q -B -Dstyle.color=never -f '${path.join(temp, "pom.xml").replaceAll("'", "'\\''")}' test`,
			reportsDir: path.join(buildDir, "surefire-reports"),
			cleanup: () => rm(temp, { recursive: true, force: true }),
			pristinePom: async (pristine) => {
				const pom = path.join(pristine, "..", "agent-evals-pom.xml");
				const text = generatedPom({
					workspace: pristine,
					buildDir: path.join(pristine, "..", "target"),
					dependencies,
					junit4,
				});
				await writeFile(pom, text);
				return { pom, text };
			},
		};
	}

	/** Builds a pristine copy of the exercise on the host with no test selected: Maven downloads what the build needs. */
	private async prepareMaven(
		session: GradingSession,
		exercise: Exercise,
		pristinePom: NonNullable<JavaBuild["pristinePom"]>,
	): Promise<void> {
		const dir = await mkdtemp(path.join(os.tmpdir(), "agent-evals-maven-warm-"));
		try {
			const pristine = path.join(dir, exercise.name);
			await prepareWorkspace(exercise, pristine);
			const { pom, text } = await pristinePom(pristine);
			await warmMaven(session, text, pristine, pom);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}

	/**
	 * Whether the exercise's Gradle wrapper can run. Its distribution already being in the Gradle
	 * home answers yes without starting a JVM; otherwise `--version` is the cheapest way to find out
	 * whether it can be downloaded.
	 */
	private async wrapperWorks(session: GradingSession, workspace: string): Promise<boolean> {
		if (!(await isFile(path.join(workspace, "gradlew")))) return false;
		if (!(await isFile(path.join(workspace, "gradle", "wrapper", "gradle-wrapper.jar")))) return false;
		if (await this.distributionCached(workspace)) return true;
		const probe = await session.run("sh ./gradlew --version --no-daemon --console=plain", {
			timeoutMs: WRAPPER_PROBE_TIMEOUT_MS,
			allowTimeout: true,
		});
		return probe.exitCode === 0;
	}

	private async distributionCached(workspace: string): Promise<boolean> {
		const properties = await readFile(
			path.join(workspace, "gradle", "wrapper", "gradle-wrapper.properties"),
			"utf8",
		).catch(() => "");
		const url = /^distributionUrl\s*=\s*(.+)$/m.exec(properties)?.[1]?.trim();
		if (!url) return false;
		const distribution = path.basename(url.replaceAll("\\:", ":")).replace(/\.zip$/, "");
		const home =
			this.options.env?.GRADLE_USER_HOME ?? process.env.GRADLE_USER_HOME ?? path.join(os.homedir(), ".gradle");
		const dists = path.join(home, "wrapper", "dists", distribution);
		for (const hash of await readdir(dists).catch(() => [])) {
			const entries = await readdir(path.join(dists, hash)).catch(() => []);
			if (entries.some((entry) => entry.endsWith(".ok"))) return true;
		}
		return false;
	}
}

function explainNoResults(
	tool: string,
	output: string,
	exitCode: number | null,
): { verdict: Verdict; summary: string } {
	if (exitCode !== 0 && COMPILE_FAILURE.test(output)) return { verdict: "failed", summary: "build failed" };
	if (exitCode !== 0 && DEPENDENCY_FAILURE.test(output)) {
		return { verdict: "infra", summary: `${tool} could not download the build's dependencies` };
	}
	if (exitCode !== 0) return { verdict: "failed", summary: `${tool} exited ${exitCode} without test results` };
	return { verdict: "failed", summary: NO_TESTS };
}
