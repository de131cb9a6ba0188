import {
	isSecretSettingKey,
	type RunConfig,
	redactSettings,
	type Settings,
	secretSettingEnv,
} from "@agent-evals/types";
import type { Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { loadSuite } from "../exercises/load.js";
import { selectExercises } from "../exercises/select.js";
import { type Exercise, type Language, type Suite, SuiteLoadError, UnknownExerciseError } from "../exercises/types.js";
import { maskRunMcpServers, type ResolvedRunMcp, rememberRunMcpServers, resolveRunMcp } from "../mcp/run-servers.js";
import { AUTO_SANDBOX, chooseSandbox, type SandboxChoice, SandboxChoiceError } from "../sandbox/choose.js";
import { getSandbox } from "../sandbox/registry.js";
import { otelModeFor, traceExportFor } from "../telemetry/config.js";
import { getAgentAdapter } from "./agents/registry.js";
import { bundledSuitePath } from "./defaults.js";
import { describeEnvironment } from "./environment.js";
import { RunConfigError } from "./errors.js";
import { modelPricing, parseModelSpec } from "./model-spec.js";

export interface PlannedRun {
	run: Run;
	/** The sandbox chosen for `config.sandbox` ("auto" resolved), with a line saying why. */
	sandbox: SandboxChoice;
	tasks: Task[];
	suite: Suite;
	/** With `mcp.ab`: the baseline arm, the same tasks without any MCP server. */
	baseline?: { run: Run; tasks: Task[] };
}

/**
 * The checks that need nothing but the config: the model, the agent and the sandbox must be
 * ones we know. The CLI and the API make them before touching the store.
 */
export function checkRunConfig(
	config: Pick<RunConfig, "model" | "agent" | "sandbox" | "mcp" | "otel" | "settings">,
): void {
	for (const key of Object.keys(config.settings ?? {})) {
		if (isSecretSettingKey(key)) throw new RunConfigError(secretRefusal(key));
	}
	try {
		parseModelSpec(config.model);
		getAgentAdapter(config.agent);
		if (config.sandbox !== AUTO_SANDBOX) getSandbox(config.sandbox);
		// EVALS_OTEL and the OTLP endpoint variables: a typo is said now, not found in a silent trace.
		traceExportFor(otelModeFor(config.otel, process.env), process.env);
	} catch (error) {
		throw new RunConfigError(error instanceof Error ? error.message : String(error));
	}
	if (config.mcp) resolveRunMcp(config.mcp);
}

/** Keys are never taken from a run's settings: they would be stored, logged and sent around. */
function secretRefusal(key: string): string {
	const names: readonly string[] | undefined = (secretSettingEnv as Record<string, readonly string[]>)[key];
	const where = names ? `in the environment as ${names.join(" or ")}` : "in the environment";
	return `"${key}" looks like a secret and is not taken from run settings: put it ${where}.`;
}

/** Errors that mean the config asks for something impossible: the caller's mistake, not ours. */
export function isRunConfigMistake(error: unknown): error is Error {
	return error instanceof RunConfigError || error instanceof UnknownExerciseError || error instanceof SuiteLoadError;
}

/**
 * Chooses the exercises, checks that the agent can run here, and stores the run with one task
 * per (exercise, iteration). With MCP servers, their config is stored with secrets masked (this
 * process keeps the real one); with `mcp.ab`, a baseline run over the same tasks is stored too,
 * and the two are linked as a group.
 */
export async function createRun(store: Store, config: RunConfig): Promise<PlannedRun> {
	checkRunConfig(config);
	const mcp = config.mcp ? resolveRunMcp(config.mcp) : undefined;
	const spec = parseModelSpec(config.model);
	const adapter = getAgentAdapter(config.agent);
	const suite = await loadSuite(config.suite ?? bundledSuitePath());
	const exercises = chooseExercises(suite, config);
	if (exercises.length === 0) throw new RunConfigError(`No exercises selected from ${suite.root}.`);
	const unavailable = await adapter.unavailableReason();
	if (unavailable) throw new RunConfigError(`The ${adapter.name} agent cannot run here: ${unavailable}`);
	const sandbox = await chooseSandbox(config.sandbox).catch((error: unknown) => {
		throw error instanceof SandboxChoiceError ? new RunConfigError(error.message) : error;
	});
	const settings: Settings = { ...config.settings, ...spec.settings };
	const environment = await describeEnvironment(exercises);
	const base = {
		model: config.model,
		provider: spec.provider,
		name: config.name ?? null,
		description: config.description ?? null,
		agent: adapter.name,
		sandbox: sandbox.name,
		suite: suite.root,
		settings: redactSettings(settings),
		concurrency: config.concurrency,
		timeout: config.timeoutMinutes,
		commandTimeout: config.commandTimeoutSeconds,
		iterations: config.iterations,
		otel: otelModeFor(config.otel, process.env),
		environment,
		...modelPricing(spec),
	};
	const keys = exercises.flatMap((exercise) =>
		Array.from({ length: config.iterations }, (_, i) => ({
			language: exercise.language,
			exercise: exercise.name,
			iteration: i + 1,
		})),
	);
	let run = await store.runs.create({ ...base, ...(mcp ? mcpColumns(mcp) : {}) });
	if (mcp) rememberRunMcpServers(run.id, mcp.servers);
	const tasks = await store.tasks.create(run.id, keys);
	if (!mcp?.ab) return { run, tasks, suite, sandbox };
	const baselineRun = await store.runs.create({ ...base, groupId: run.id, arm: "baseline" });
	run = (await store.runs.update(run.id, { groupId: run.id, arm: "mcp" })) ?? run;
	const baselineTasks = await store.tasks.create(baselineRun.id, keys);
	return { run, tasks, suite, sandbox, baseline: { run: baselineRun, tasks: baselineTasks } };
}

function mcpColumns(mcp: ResolvedRunMcp) {
	return {
		mcpServer: mcp.names.join(","),
		mcpConfig: maskRunMcpServers(mcp.servers),
		userIntent: mcp.userIntent,
	};
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
