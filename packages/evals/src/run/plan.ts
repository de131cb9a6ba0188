import { type RunConfig, redactSettings, type Settings } from "@agent-evals/types";
import type { Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { loadSuite } from "../exercises/load.js";
import { selectExercises } from "../exercises/select.js";
import { type Exercise, type Language, type Suite, SuiteLoadError, UnknownExerciseError } from "../exercises/types.js";
import { getSandbox } from "../sandbox/registry.js";
import { getAgentAdapter } from "./agents/registry.js";
import { bundledSuitePath } from "./defaults.js";
import { RunConfigError } from "./errors.js";
import { modelPricing, parseModelSpec } from "./model-spec.js";

export interface PlannedRun {
	run: Run;
	tasks: Task[];
	suite: Suite;
}

/**
 * The checks that need nothing but the config: the model, the agent and the sandbox must be
 * ones we know. The CLI and the API make them before touching the store.
 */
export function checkRunConfig(config: Pick<RunConfig, "model" | "agent" | "sandbox">): void {
	try {
		parseModelSpec(config.model);
		getAgentAdapter(config.agent);
		getSandbox(config.sandbox);
	} catch (error) {
		throw new RunConfigError(error instanceof Error ? error.message : String(error));
	}
}

/** Errors that mean the config asks for something impossible: the caller's mistake, not ours. */
export function isRunConfigMistake(error: unknown): error is Error {
	return error instanceof RunConfigError || error instanceof UnknownExerciseError || error instanceof SuiteLoadError;
}

/**
 * Chooses the exercises, checks that the agent can run here, and stores the run with one task
 * per (exercise, iteration).
 */
export async function createRun(store: Store, config: RunConfig): Promise<PlannedRun> {
	checkRunConfig(config);
	const spec = parseModelSpec(config.model);
	const adapter = getAgentAdapter(config.agent);
	const suite = await loadSuite(config.suite ?? bundledSuitePath());
	const exercises = chooseExercises(suite, config);
	if (exercises.length === 0) throw new RunConfigError(`No exercises selected from ${suite.root}.`);
	const unavailable = await adapter.unavailableReason();
	if (unavailable) throw new RunConfigError(`The ${adapter.name} agent cannot run here: ${unavailable}`);
	const settings: Settings = { ...config.settings, ...spec.settings };
	const run = await store.runs.create({
		model: config.model,
		provider: spec.provider,
		name: config.name ?? null,
		description: config.description ?? null,
		agent: adapter.name,
		sandbox: config.sandbox,
		suite: suite.root,
		settings: redactSettings(settings),
		concurrency: config.concurrency,
		timeout: config.timeoutMinutes,
		commandTimeout: config.commandTimeoutSeconds,
		iterations: config.iterations,
		...modelPricing(spec),
	});
	const keys = exercises.flatMap((exercise) =>
		Array.from({ length: config.iterations }, (_, i) => ({
			language: exercise.language,
			exercise: exercise.name,
			iteration: i + 1,
		})),
	);
	const tasks = await store.tasks.create(run.id, keys);
	return { run, tasks, suite };
}

/** The exercises a run config asks for; without any filter, the suite's smoke selection. */
export function chooseExercises(
	suite: Suite,
	config: Pick<RunConfig, "include" | "exclude" | "exercises" | "all">,
): Exercise[] {
	const filtered = Boolean(config.include?.length || config.exclude?.length || config.exercises?.length || config.all);
	const chosen = selectExercises(suite, {
		include: config.include as Language[] | undefined,
		exclude: config.exclude as Language[] | undefined,
		names: config.exercises,
	});
	if (filtered) return chosen;
	const smoke = chosen.filter((exercise) => exercise.difficulty === "easy");
	return smoke.length > 0 ? smoke : chosen;
}
