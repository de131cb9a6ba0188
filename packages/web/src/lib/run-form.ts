import { providerIds } from "@agent-evals/types/providers";
import {
	type InsightsMode,
	insightsModes,
	type ObserverLevel,
	observerLevels,
	runDefaults,
	runLimits,
	type SteeringMode,
	steeringModes,
} from "@agent-evals/types/values";
import type { ApiIssue, NewRunRequest } from "../api/types.js";

/** Provider ids the model selector offers: the offline oracle first, and no "scripted" (a test double). */
export const providerChoices = ["oracle", ...providerIds.filter((id) => id !== "oracle" && id !== "scripted")] as const;

export const agentChoices = [
	{ value: "builtin", label: "builtin (evals-agent)" },
	{ value: "roo-code", label: "roo-code (VS Code + Roo Code)" },
] as const;

export type ExerciseMode = "smoke" | "all" | "languages" | "picked";

/** The form as typed: numbers stay strings until validated so a half-typed value is not lost. */
export interface RunForm {
	provider: string;
	modelId: string;
	agent: string;
	/** A new agent process per task instead of one warm agent per slot. */
	freshAgent: boolean;
	suite: string;
	exerciseMode: ExerciseMode;
	languages: string[];
	exercises: string[];
	concurrency: string;
	timeoutMinutes: string;
	iterations: string;
	commandTimeoutSeconds: string;
	name: string;
	description: string;
	/** An mcp.json pasted or loaded from a file; "" for no MCP servers. */
	mcpConfig: string;
	/** The servers of it to give the agent (all of them when none is ticked). */
	mcpServers: string[];
	userIntent: string;
	/** Also run the same tasks without MCP servers, to compare. */
	mcpAb: boolean;
	/** Agent settings as a JSON object (Roo Code's key names); "" for none. */
	settings: string;
	/** Extra instructions appended to the agent's system prompt; "" for none. */
	systemPrompt: string;
	/** Task prompts by language, replacing the suite's; empty ones are left out. */
	prompts: Record<string, string>;
	tries: string;
	/** `provider:model` the agent moves to when the model fails for good; "" for none. */
	fallbackModel: string;
	/** The observer's level; "" leaves the run unobserved (the default). */
	observerLevel: ObserverLevel | "";
	/** "" takes the level's default: `auto` for autonomous, else `monitor-only`. */
	steering: SteeringMode | "";
	insights: InsightsMode;
	/** The run's cap in USD; "" for none. */
	budgetUsd: string;
}

export { insightsModes, observerLevels, steeringModes };

export const defaultRunForm: RunForm = {
	provider: runDefaults.model,
	modelId: "",
	agent: runDefaults.agent,
	freshAgent: false,
	suite: "",
	exerciseMode: "smoke",
	languages: [],
	exercises: [],
	concurrency: String(runDefaults.concurrency),
	timeoutMinutes: String(runDefaults.timeoutMinutes),
	iterations: String(runDefaults.iterations),
	commandTimeoutSeconds: String(runDefaults.commandTimeoutSeconds),
	name: "",
	description: "",
	mcpConfig: "",
	mcpServers: [],
	userIntent: "",
	mcpAb: false,
	settings: "",
	systemPrompt: "",
	prompts: {},
	tries: String(runDefaults.tries),
	fallbackModel: "",
	observerLevel: "",
	steering: "",
	insights: "store",
	budgetUsd: "",
};

/** Field names match the request body so server issues land on the same fields. */
export type RunFormField =
	| "model"
	| "agent"
	| "suite"
	| "include"
	| "exercises"
	| "concurrency"
	| "timeoutMinutes"
	| "iterations"
	| "commandTimeoutSeconds"
	| "name"
	| "description"
	| "mcp"
	| "settings"
	| "systemPrompt"
	| "prompts"
	| "tries"
	| "fallbackModel"
	| "observer";

export type FieldErrors = Partial<Record<RunFormField, string>>;

function integerIn(value: string, min: number, max: number, label: string): { value?: number; error?: string } {
	const trimmed = value.trim();
	if (trimmed === "") return { error: `${label} is required` };
	const number = Number(trimmed);
	if (!Number.isInteger(number)) return { error: `${label} must be a whole number` };
	if (number < min || number > max) return { error: `${label} must be between ${min} and ${max}` };
	return { value: number };
}

export function modelSpec(form: Pick<RunForm, "provider" | "modelId">): string {
	return form.provider === "oracle" ? "oracle" : `${form.provider}:${form.modelId.trim()}`;
}

/** Checks the form as the server will, so most mistakes show before a round trip. */
export function validateRunForm(form: RunForm): { request?: NewRunRequest; errors: FieldErrors } {
	const errors: FieldErrors = {};
	if (!form.provider) errors.model = "Choose a provider";
	else if (form.provider !== "oracle" && !form.modelId.trim()) errors.model = `Enter the ${form.provider} model id`;
	if (!form.agent) errors.agent = "Choose an agent";

	const limits = runLimits;
	const concurrency = integerIn(form.concurrency, limits.concurrency.min, limits.concurrency.max, "Concurrency");
	if (concurrency.error) errors.concurrency = concurrency.error;
	const iterations = integerIn(form.iterations, limits.iterations.min, limits.iterations.max, "Iterations");
	if (iterations.error) errors.iterations = iterations.error;
	const { min, max } = limits.commandTimeoutSeconds;
	const commandTimeout = integerIn(form.commandTimeoutSeconds, min, max, "Command timeout");
	if (commandTimeout.error) errors.commandTimeoutSeconds = commandTimeout.error;

	const timeout = Number(form.timeoutMinutes.trim());
	if (form.timeoutMinutes.trim() === "") errors.timeoutMinutes = "Timeout is required";
	else if (!Number.isFinite(timeout) || timeout <= 0) errors.timeoutMinutes = "Timeout must be more than 0 minutes";
	else if (timeout > runLimits.timeoutMinutes.max)
		errors.timeoutMinutes = `Timeout must be at most ${runLimits.timeoutMinutes.max} minutes (a day)`;

	if (form.exerciseMode === "languages" && form.languages.length === 0) errors.include = "Pick at least one language";
	if (form.exerciseMode === "picked" && form.exercises.length === 0) errors.exercises = "Pick at least one exercise";
	if (form.name.trim().length > 200) errors.name = "Name must be at most 200 characters";
	if (form.description.length > 5000) errors.description = "Description must be at most 5000 characters";

	const mcp = parseMcpConfig(form.mcpConfig);
	if (mcp.error) errors.mcp = mcp.error;
	else if (!mcp.config && (form.userIntent.trim() || form.mcpAb)) errors.mcp = "Paste an MCP config first";

	const settings = parseSettings(form.settings);
	if (settings.error) errors.settings = settings.error;
	const tries = integerIn(form.tries, limits.tries.min, limits.tries.max, "Tries");
	if (tries.error) errors.tries = tries.error;
	const fallback = form.fallbackModel.trim();
	if (fallback && !/^[a-z][\w-]*(:.+)?$/.test(fallback))
		errors.fallbackModel = "Write it as provider:model, e.g. anthropic:claude-sonnet-4-5";
	else if (fallback && fallback === modelSpec(form)) errors.fallbackModel = "The fallback must differ from the model";
	if (form.systemPrompt.length > PROMPT_MAX_CHARS) errors.systemPrompt = `At most ${PROMPT_MAX_CHARS} characters`;
	const prompts = Object.fromEntries(Object.entries(form.prompts).filter(([, text]) => text.trim()));
	if (Object.values(prompts).some((text) => text.length > PROMPT_MAX_CHARS))
		errors.prompts = `Each prompt is at most ${PROMPT_MAX_CHARS} characters`;

	const budget = form.budgetUsd.trim() === "" ? undefined : Number(form.budgetUsd.trim());
	if (budget !== undefined && !(Number.isFinite(budget) && budget > 0))
		errors.observer = "The budget must be a number of USD above 0";
	// Only the observer watches the budget: a cap nobody enforces would mislead.
	else if (!form.observerLevel && (budget !== undefined || form.steering))
		errors.observer = "Choose an observer level: the budget and steering need the observer";

	if (Object.keys(errors).length > 0) return { errors };

	const request: NewRunRequest = {
		model: modelSpec(form),
		agent: form.agent,
		concurrency: concurrency.value as number,
		timeoutMinutes: timeout,
		iterations: iterations.value as number,
		commandTimeoutSeconds: commandTimeout.value as number,
	};
	if (form.freshAgent) request.freshAgent = true;
	if (form.suite.trim()) request.suite = form.suite.trim();
	if (form.exerciseMode === "all") request.all = true;
	// The languages come from the server's own exercise list, so they are ones it accepts.
	if (form.exerciseMode === "languages") request.include = [...form.languages].sort() as NewRunRequest["include"];
	if (form.exerciseMode === "picked") request.exercises = [...form.exercises].sort();
	if (form.name.trim()) request.name = form.name.trim();
	if (form.description.trim()) request.description = form.description;
	if (mcp.config) {
		// Ticks left over from an earlier config name servers it no longer has.
		const servers = form.mcpServers.filter((name) => mcp.servers.includes(name));
		request.mcp = {
			config: mcp.config,
			...(servers.length > 0 ? { servers } : {}),
			...(form.userIntent.trim() ? { userIntent: form.userIntent.trim() } : {}),
			ab: form.mcpAb,
		};
	}
	if (settings.value) request.settings = settings.value;
	if (form.systemPrompt.trim()) request.systemPrompt = form.systemPrompt;
	if (Object.keys(prompts).length > 0) request.prompts = prompts as NewRunRequest["prompts"];
	if (tries.value !== runDefaults.tries) request.tries = tries.value;
	if (fallback) request.fallbackModel = fallback;
	if (form.observerLevel) {
		request.observer = {
			level: form.observerLevel,
			insights: form.insights,
			...(form.steering ? { steering: form.steering } : {}),
			...(budget !== undefined ? { budgetUsd: budget } : {}),
		};
	}
	return { request, errors };
}

/** The same bound as the server's: a prompt longer than this is surely a pasted file by mistake. */
const PROMPT_MAX_CHARS = 100_000;

/**
 * The settings editor's text: nothing when empty; else a JSON object. Each key and value is
 * checked by the server, whose message comes back on this field.
 */
export function parseSettings(text: string): { value?: Record<string, unknown>; error?: string } {
	if (!text.trim()) return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		return { error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		return { error: 'Needs a JSON object of settings, e.g. {"modelTemperature": 0}' };
	}
	return { value: parsed as Record<string, unknown> };
}

/**
 * The pasted MCP config: nothing when empty; else it must be an mcp.json object with servers.
 * Each server is checked by the server, which names the field of a bad one.
 */
export function parseMcpConfig(text: string): {
	config?: { mcpServers: Record<string, unknown> };
	servers: string[];
	error?: string;
} {
	if (!text.trim()) return { servers: [] };
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		return { servers: [], error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
	}
	const servers =
		typeof parsed === "object" && parsed !== null ? (parsed as { mcpServers?: unknown }).mcpServers : undefined;
	if (typeof servers !== "object" || servers === null || Array.isArray(servers) || Object.keys(servers).length === 0) {
		return { servers: [], error: 'Needs {"mcpServers": {"<name>": {...}}} with at least one server' };
	}
	return { config: { mcpServers: servers as Record<string, unknown> }, servers: Object.keys(servers) };
}

const knownFields = new Set<string>([
	"model",
	"agent",
	"freshAgent",
	"suite",
	"include",
	"exclude",
	"exercises",
	"all",
	"concurrency",
	"timeoutMinutes",
	"iterations",
	"commandTimeoutSeconds",
	"name",
	"description",
	"mcp",
	"settings",
	"systemPrompt",
	"prompts",
	"tries",
	"fallbackModel",
	"observer",
]);

/** Server issues placed on their fields; the rest are shown above the form. */
export function issuesToFieldErrors(issues: ApiIssue[]): { fields: FieldErrors; other: string[] } {
	const fields: FieldErrors = {};
	const other: string[] = [];
	for (const issue of issues) {
		let head = issue.path.split(".")[0] ?? "";
		if (head === "exclude") head = "include";
		if (head === "all") head = "exercises";
		if (knownFields.has(head)) {
			const key = head as RunFormField;
			fields[key] = fields[key] ? `${fields[key]}; ${issue.message}` : issue.message;
		} else {
			other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
		}
	}
	return { fields, other };
}

export function exerciseKey(exercise: { language: string; exercise: string }): string {
	return `${exercise.language}/${exercise.exercise}`;
}

/** Case-insensitive match on every word of the query, over language and exercise name. */
export function matchesExerciseSearch(exercise: { language: string; exercise: string }, query: string): boolean {
	const haystack = exerciseKey(exercise).toLowerCase();
	return query
		.toLowerCase()
		.split(/\s+/)
		.filter(Boolean)
		.every((word) => haystack.includes(word));
}

/** How many tasks the selection makes, for the summary under the form; null while unknown. */
export function plannedTaskCount(
	form: Pick<RunForm, "exerciseMode" | "languages" | "exercises" | "iterations">,
	exercises: { language: string; exercise: string }[] | null,
): number | null {
	const iterations = Number(form.iterations);
	if (!Number.isInteger(iterations) || iterations < 1) return null;
	if (form.exerciseMode === "picked") return form.exercises.length * iterations;
	if (!exercises) return null;
	if (form.exerciseMode === "all") return exercises.length * iterations;
	if (form.exerciseMode === "languages") {
		const chosen = new Set(form.languages);
		return exercises.filter((exercise) => chosen.has(exercise.language)).length * iterations;
	}
	return null;
}
