export { agentEvalsLayout } from "./agent-evals.js";
export { isConventionalTest } from "./conventions.js";
export { exercismLayout } from "./exercism.js";
export type { SuiteLayout } from "./layout.js";
export { detectLayout, getSuiteLayout, loadSuite, suiteLayouts } from "./load.js";
export { mapExamples, type ReferenceMapping, type ReferencePair } from "./reference.js";
export { type RestoreReport, restoreTests } from "./restore.js";
export { rooCodeEvalsLayout } from "./roo-code-evals.js";
export { type ExerciseSelection, selectExercises } from "./select.js";
export {
	type Exercise,
	isLanguage,
	LANGUAGES,
	LAYOUTS,
	type Language,
	type LayoutName,
	type ReferenceFile,
	type Suite,
	SuiteLoadError,
	type UngradableExercise,
	UngradableExerciseError,
	UnknownExerciseError,
} from "./types.js";
export { unskipSource, unskipTests } from "./unskip.js";
export { prepareReference, prepareWorkspace, WorkspaceError } from "./workspace.js";
