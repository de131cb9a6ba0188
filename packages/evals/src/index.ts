export * from "./bus/index.js";
export * from "./db/index.js";
export * from "./exercises/index.js";
export * from "./grading/index.js";
export { Controller, type ControllerOptions, chooseExercises, RunBusyError, RunStateError } from "./run/controller.js";
export { bundledSuitePath, evalsHome } from "./run/defaults.js";
export { parseModelSpec } from "./run/model-spec.js";
export { runTask, type TaskOutcome, type TaskRunContext } from "./run/task-runner.js";
export * from "./sandbox/index.js";
