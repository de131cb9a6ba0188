import { createHash } from "node:crypto";
import {
	isSecretSettingKey,
	offlineSettingsSchema,
	type RunConfig,
	type RunEnvironment,
	type RunPrompts,
	redactSettings,
	type Settings,
	secretSettingEnv,
	settingsSchema,
} from "@agent-evals/types";
import type { Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { loadSuite } from "../exercises/load.js";
import { selectExercises } from "../exercises/select.js";
import { type Exercise, type Language, type Suite, SuiteLoadError, UnknownExerciseError } from "../exercises/types.js";
import { maskRunMcpServers, type ResolvedRunMcp, rememberRunMcpServers, resolveRunMcp } from "../mcp/run-servers.js";
import { checkObserverOptions, createObserverSession } from "../observer/session.js";
import { AUTO_SANDBOX, chooseSandbox, type SandboxChoice, SandboxChoiceError } from "../sandbox/choose.js";
import { getSandbox } from "../sandbox/registry.js";
import { closestMatch } from "../suggest.js";
import { otelModeFor, traceExportFor } from "../telemetry/config.js";
import { getAgentAdapter } from "./agents/registry.js";
import { bundledSuitePath } from "./defaults.js";
import { describeEnvironment } from "./environment.js";
import { describe, RunConfigError } from "./errors.js";
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
	config: Pick<RunConfig, "model" | "agent" | "sandbox" | "mcp" | "otel" | "settings" | "fallbackModel" | "observer">,
): void {
	for (const key of Object.keys(config.settings ?? {})) {
		const problem = settingKeyProblem(key, config.agent);
		if (problem) throw new RunConfigError(problem, `settings.${key}`);
	}
	try {
		parseModelSpec(config.model);
	} catch (error) {
		throw new RunConfigError(describe(error), "model");
	}
	try {
		if (config.fallbackModel) parseModelSpec(config.fallbackModel);
	} catch (error) {
		throw new RunConfigError(`The fallback model: ${describe(error)}`, "fallbackModel");
	}
	try {
		getAgentAdapter(config.agent);
		if (config.sandbox !== AUTO_SANDBOX) getSandbox(config.sandbox);
		// EVALS_OTEL and the OTLP endpoint variables: a typo is said now, not found in a silent trace.
		traceExportFor(otelModeFor(config.otel, process.env), process.env);
	} catch (error) {
		throw new RunConfigError(describe(error));
	}
	// A third-party CLI speaks only some providers' APIs (Claude Code: Anthropic's).
	const adapter = getAgentAdapter(config.agent);
	for (const [field, spec] of [
		["model", config.model],
		["fallbackModel", config.fallbackModel],
	] as const) {
		if (!spec) continue;
		const problem = adapter.modelProblem?.(parseModelSpec(spec).provider);
		if (problem) throw new RunConfigError(field === "model" ? problem : `The fallback model: ${problem}`, field);
	}
	if (config.mcp) resolveRunMcp(config.mcp);
	if (config.observer) checkObserverOptions(config.observer);
}

/**
 * What is wrong with a setting's key, if anything: a secret (never taken from run settings) or,
 * for our agent, a key it does not know. Other agents (Roo Code has hundreds of settings) get
 * what they are given.
 */
export function settingKeyProblem(key: string, agent: string): string | undefined {
	if (isSecretSettingKey(key)) return secretRefusal(key);
	if (agent === "builtin" && !KNOWN_SETTINGS.has(key)) return unknownSetting(key);
	return undefined;
}

/** The settings a run may set: the agent's (Roo Code's names) and the offline models'. */
const KNOWN_SETTINGS = new Set([...Object.keys(settingsSchema.shape), ...Object.keys(offlineSettingsSchema.shape)]);

/** A typo in a setting would silently change nothing: name it, with the closest known setting. */
function unknownSetting(key: string): string {
	const close = closestMatch(key, KNOWN_SETTINGS);
	return `Unknown setting "${key}"${close ? ` (did you mean "${close}"?)` : ""}. Settings use Roo Code's key names.`;
}

/** Keys are never taken from a run's settings: they would be stored, logged and sent around. */
function secretRefusal(key: string): string {
	const names: readonly string[] | undefined = (secretSettingEnv as Record<string, readonly string[]>)[key];
	const where = names ? `in the environment as ${names.join(" or ")}` : "in the environment";
	return `"${key}" looks like a secret and is not taken from run settings: put it ${where}.`;
}

/** What a run is made from besides the store: its suite and exercises, sandbox and environment. */
export interface RunInputs {
	exercises: Promise<{ suite: Suite; exercises: Exercise[] }>;
	sandbox: Promise<SandboxChoice>;
	environment: Promise<RunEnvironment>;
}

/**
 * Starts loading the suite, choosing the sandbox (a test command in bwrap) and describing the
 * environment (hashing the exercises' files) at once. `evals run` starts this before it opens
 * the store, so the work overlaps with PostgreSQL's start instead of following it; createRun
 * awaits each where it is needed, and a failure surfaces there, not as an unhandled rejection.
 */
export function gatherRunInputs(config: RunConfig): RunInputs {
	const exercises = loadSuite(config.suite ?? bundledSuitePath()).then((suite) => ({
		suite,
		exercises: chooseExercises(suite, config),
	}));
	const sandbox = chooseSandbox(config.sandbox).catch((error: unknown) => {
		throw error instanceof SandboxChoiceError ? new RunConfigError(error.message) : error;
	});
	const environment = exercises.then(({ exercises: chosen }) => describeEnvironment(chosen));
	for (const pending of [exercises, sandbox, environment]) pending.catch(() => {});
	return { exercises, sandbox, environment };
}

/** Errors that mean the config asks for something impossible: the caller's mistake, not ours. */
export function isRunConfigMistake(error: unknown): error is Error {
	return error instanceof RunConfigError || error instanceof UnknownExerciseError || error instanceof SuiteLoadError;
}

/**
 * Chooses the exercises, checks that the agent can run here, and stores the run with one task
 * per (exercise, iteration). With MCP servers, their config is stored with secrets masked (this
 * process keeps the real one); with `mcp.ab`, a baseline run over the same tasks is stored too,
 * and the two are linked as a group. With an observer, each run gets its session (options,
 * thresholds and budget, the budget being each run's own).
 */
export async function createRun(
	store: Store,
	config: RunConfig,
	inputs: RunInputs = gatherRunInputs(config),
): Promise<PlannedRun> {
	checkRunConfig(config);
	const mcp = config.mcp ? resolveRunMcp(config.mcp) : undefined;
	const spec = parseModelSpec(config.model);
	const adapter = getAgentAdapter(config.agent);
	const { suite, exercises } = await inputs.exercises;
	if (exercises.length === 0) throw new RunConfigError(`No exercises selected from ${suite.root}.`);
	const unavailable = await adapter.unavailableReason();
	if (unavailable) throw new RunConfigError(`The ${adapter.name} agent cannot run here: ${unavailable}`);
	const sandbox = await inputs.sandbox;
	const settings: Settings = { ...config.settings, ...spec.settings, ...fallbackSettings(config.fallbackModel) };
	if (config.systemPrompt) {
		// Appended, as Roo Code appends its custom instructions to the system prompt.
		settings.customInstructions = [settings.customInstructions, config.systemPrompt].filter(Boolean).join("\n\n");
	}
	const environment = await inputs.environment;
	const base = {
		model: config.model,
		provider: spec.provider,
		name: config.name ?? null,
		description: config.description ?? null,
		agent: adapter.name,
		sandbox: sandbox.name,
		agentProcesses: config.freshAgent || !adapter.reusable ? ("fresh" as const) : ("warm" as const),
		suite: suite.root,
		settings: redactSettings(settings),
		concurrency: config.concurrency,
		timeout: config.timeoutMinutes,
		commandTimeout: config.commandTimeoutSeconds,
		iterations: config.iterations,
		tries: config.tries,
		prompts: storedPrompts(config),
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
	if (config.observer) await createObserverSession(store, run.id, config.observer);
	if (!mcp?.ab) return { run, tasks, suite, sandbox };
	const baselineRun = await store.runs.create({ ...base, groupId: run.id, arm: "baseline" });
	run = (await store.runs.update(run.id, { groupId: run.id, arm: "mcp" })) ?? run;
	const baselineTasks = await store.tasks.create(baselineRun.id, keys);
	if (config.observer) await createObserverSession(store, baselineRun.id, config.observer);
	return { run, tasks, suite, sandbox, baseline: { run: baselineRun, tasks: baselineTasks } };
}

/** The fallback model as settings the agent reads (ours; Roo Code has no such setting). */
function fallbackSettings(fallbackModel: string | undefined): Settings {
	if (!fallbackModel) return {};
	const fallback = parseModelSpec(fallbackModel);
	return { fallbackApiProvider: fallback.provider, fallbackApiModelId: fallback.modelId };
}

/** The prompts as stored with the run: their text, and a hash to tell two runs' prompts apart. */
function storedPrompts(config: Pick<RunConfig, "systemPrompt" | "prompts">): RunPrompts | null {
	const stored = (text: string) => ({ text, sha256: createHash("sha256").update(text).digest("hex") });
	const tasks = Object.entries(config.prompts ?? {}).filter(
		(entry): entry is [string, string] => entry[1] !== undefined,
	);
	if (!config.systemPrompt && tasks.length === 0) return null;
	return {
		...(config.systemPrompt ? { system: stored(config.systemPrompt) } : {}),
		...(tasks.length > 0
			? { tasks: Object.fromEntries(tasks.map(([language, text]) => [language, stored(text)])) }
			: {}),
	};
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
