export { formatCounts, judgeCounts, type TestCounts } from "./counts.js";
export { CppRunner, missingCMakePackage, parseCatch2Output, parseCTestOutput } from "./cpp.js";
export { GoRunner, parseGoTestOutput } from "./go.js";
export { type GradeReport, gradeExercise, REFACTORING_NOTE } from "./grade.js";
export { JavaRunner } from "./java.js";
export { generatedPom, gradleDependencies, readJUnitReports } from "./java-build.js";
export { JavaScriptRunner, type JavaScriptRunnerOptions, parseJsTestOutput } from "./javascript.js";
export {
	DependencyCache,
	DependencyInstallError,
	INSTALL_LOG,
	type InstallRequest,
	linkNodeModules,
	makeReadOnly,
	removeTree,
} from "./js-cache.js";
export { jsCacheDir } from "./js-cache-dir.js";
export { CorepackProvider, PackageManagerUnavailableError } from "./js-corepack.js";
export {
	canonicalJson,
	type DependencyInputs,
	dependencyKey,
	readDependencyInputs,
	uncacheableReason,
} from "./js-deps.js";
export {
	type ManagerChoice,
	type ManagerName,
	type ManagerPlan,
	PackageManagerDeclarationError,
	parsePackageManagerField,
	planPackageManager,
} from "./js-manager.js";
export { PythonRunner, parsePytestSummary } from "./python.js";
export { getRunner, registerRunner, runnerLanguages } from "./registry.js";
export {
	type CommandRecord,
	DEFAULT_COMMAND_TIMEOUT_MS,
	GRADE_OUTPUT_MAX_BYTES,
	type GradeOptions,
	type GradeResult,
	type LanguageRunner,
	type RunnerOptions,
	type Verdict,
} from "./runner.js";
export { parseCargoTestOutput, RustRunner } from "./rust.js";
