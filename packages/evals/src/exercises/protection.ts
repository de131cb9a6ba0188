import path from "node:path";
import type { Language } from "./types.js";

/*
 * What decides HOW an exercise's tests build and run, per language. Grading takes every such file
 * from the pristine exercise: a changed one is restored, one the exercise does not have is deleted.
 * Passing tests must come from the solution, never from a conftest.py that marks failures as
 * passes, a TestMain that prints fake results, a package.json test script that echoes a summary,
 * a Cargo.toml that turns the tests off or a pom.xml that compiles other tests.
 *
 * What the solution may still change, by language:
 * - rust: the [dependencies] tables of Cargo.toml (also [dependencies.<name>] and target-specific
 *   ones), registry crates only: Exercism's own reference solutions need crates the stub's manifest
 *   lacks (`.meta/Cargo-example.toml`). Everything else in Cargo.toml is the exercise's; `path` and
 *   `git` dependencies are dropped, since a local crate's build script runs before the tests compile.
 *   Cargo.lock is free (it only pins the versions of those dependencies).
 * - every other language: nothing. The Exercism tracks for python, go, java, javascript and C++
 *   grade with the exercise's own dependencies only, so go.mod, package.json, pom.xml and
 *   build.gradle are restored whole (a solution needing more packages fails, as it would there).
 *
 * `staleOutput` are folders of compiled or installed artefacts that a build would reuse: they are
 * deleted before grading so nothing the agent built (a test binary compiled from edited tests, a
 * patched node_modules/.bin/jest, cached bytecode) can stand in for the real tests.
 */
export interface LanguageProtection {
	/** Whether a workspace-relative path configures how the tests build or run. */
	isConfig(file: string): boolean;
	/** Folder names deleted before grading: `anywhere` at any depth, `top` only at the top. */
	staleOutput: { anywhere: string[]; top: string[] };
}

const base = (file: string) => path.posix.basename(file);
const top = (file: string) => file.split("/")[0] ?? "";
const under = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);

// Python tooling that pytest reads, and modules that would shadow pytest itself when the
// workspace comes first on sys.path.
const PYTHON_CONFIG = new Set([
	"conftest.py",
	"pytest.ini",
	".pytest.ini",
	"tox.ini",
	"setup.cfg",
	"pyproject.toml",
	"sitecustomize.py",
	"usercustomize.py",
]);
const PYTHON_SHADOWS = new Set(["pytest.py", "pytest", "_pytest", "pluggy", "pluggy.py", "py.py", "iniconfig"]);

const GO_CONFIG = new Set(["go.mod", "go.sum", "go.work", "go.work.sum"]);

const RUST_CONFIG = new Set(["Cargo.toml", "rust-toolchain", "rust-toolchain.toml"]);

const JAVA_BUILD = new Set([
	"pom.xml",
	"build.gradle",
	"build.gradle.kts",
	"settings.gradle",
	"settings.gradle.kts",
	"gradle.properties",
	"gradlew",
	"gradlew.bat",
	"junit-platform.properties",
]);

const JS_CONFIG_FILES = new Set([
	"package.json",
	"package-lock.json",
	"npm-shrinkwrap.json",
	"pnpm-lock.yaml",
	"pnpm-workspace.yaml",
	"yarn.lock",
	".pnpmfile.cjs",
	".yarnrc.yml",
]);
// babel.config.js, jest.config.ts, vitest.config.mts, .babelrc, .npmrc, .mocharc.json, tsconfig.json …
const JS_CONFIG_NAME =
	/^([^/]+\.config\.[cm]?[jt]s(on)?|\.[^/]*rc(\.[cm]?js|\.json|\.ya?ml)?|tsconfig(\.[^/]+)?\.json)$/;

const CPP_CONFIG = /^(CMakeLists\.txt|[^/]+\.cmake|CMakePresets\.json|CMakeUserPresets\.json)$/;

const javascript: LanguageProtection = {
	isConfig: (file) =>
		JS_CONFIG_FILES.has(base(file)) ||
		JS_CONFIG_NAME.test(base(file)) ||
		// jest picks up manual mocks beside node_modules by itself.
		file.split("/").includes("__mocks__"),
	staleOutput: { anywhere: ["node_modules"], top: [] },
};

const PROTECTION: Record<Language, LanguageProtection> = {
	python: {
		isConfig: (file) => PYTHON_CONFIG.has(base(file)) || PYTHON_SHADOWS.has(top(file)),
		staleOutput: { anywhere: ["__pycache__", ".pytest_cache"], top: [] },
	},
	go: {
		// vendor/ replaces modules; testdata/ is what the tests read.
		isConfig: (file) => GO_CONFIG.has(base(file)) || under(file, "vendor") || file.split("/").includes("testdata"),
		staleOutput: { anywhere: [], top: [] },
	},
	rust: {
		isConfig: (file) =>
			RUST_CONFIG.has(base(file)) ||
			file.split("/").includes(".cargo") ||
			// A build script runs before the tests compile and could rewrite them.
			file === "build.rs",
		staleOutput: { anywhere: [], top: ["target"] },
	},
	java: {
		isConfig: (file) =>
			JAVA_BUILD.has(base(file)) ||
			under(file, "gradle") ||
			under(file, ".mvn") ||
			under(file, "src/test/resources") ||
			// Service registrations load JUnit extensions and listeners from the solution's own classpath.
			file.includes("META-INF/services/"),
		staleOutput: { anywhere: [], top: ["target", "build", ".gradle"] },
	},
	javascript,
	typescript: javascript,
	cpp: {
		isConfig: (file) => CPP_CONFIG.test(base(file)),
		staleOutput: { anywhere: [], top: ["build"] },
	},
};

export function protectionFor(language: Language): LanguageProtection {
	return PROTECTION[language];
}
