import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
	languageSchema,
	type ObserverConfig,
	observerConfigSchema,
	type RunConfig,
	runConfigSchema,
	runDefaults,
	settingsSchema,
} from "@agent-evals/types";
import { InvalidArgumentError } from "commander";
import { settingKeyProblem } from "../run/plan.js";
import { UsageError } from "./errors.js";

export function integer(min: number, max: number) {
	return (value: string): number => {
		const number = Number(value);
		if (!Number.isInteger(number)) throw new InvalidArgumentError(`expected a whole number, got "${value}".`);
		if (number < min || number > max) throw new InvalidArgumentError(`must be between ${min} and ${max}.`);
		return number;
	};
}

export function positiveNumber(max: number) {
	return (value: string): number => {
		const number = Number(value);
		if (!Number.isFinite(number) || number <= 0)
			throw new InvalidArgumentError(`expected a positive number, got "${value}".`);
		if (number > max) throw new InvalidArgumentError(`must be at most ${max}.`);
		return number;
	};
}

/** Repeatable and comma-separated: `-i python -i go` or `-i python,go`. */
export function collect(value: string, previous: string[] = []): string[] {
	return [
		...previous,
		...value
			.split(",")
			.map((part) => part.trim())
			.filter(Boolean),
	];
}

export function language(value: string, previous: string[] = []): string[] {
	const values = collect(value, []);
	for (const item of values) {
		if (!languageSchema.safeParse(item).success) {
			throw new InvalidArgumentError(`unknown language "${item}"; use ${languageSchema.options.join(", ")}.`);
		}
	}
	return [...previous, ...values];
}

export function runId(value: string): number {
	const id = Number(value);
	if (!Number.isInteger(id) || id <= 0)
		throw new InvalidArgumentError(`expected a run id (a positive whole number), got "${value}".`);
	return id;
}

/**
 * `--mcp-config FILE` (an mcp.json), `--mcp-server`, `--user-intent`, `--mcp-ab`: the run's MCP
 * part, or undefined without a config. The other three need the config.
 */
export function mcpFromFlags(flags: Record<string, unknown>): unknown {
	const file = flags.mcpConfig as string | undefined;
	if (file === undefined) {
		for (const [flag, key] of [
			["--mcp-server", "mcpServer"],
			["--user-intent", "userIntent"],
			["--mcp-ab", "mcpAb"],
		] as const) {
			if (flags[key] !== undefined)
				throw new UsageError(`${flag} needs --mcp-config FILE (an mcp.json with the servers).`);
		}
		return undefined;
	}
	const config = readJsonFile(resolve(file), "MCP config");
	return {
		config,
		servers: flags.mcpServer,
		userIntent: flags.userIntent,
		ab: Boolean(flags.mcpAb),
	};
}

/**
 * `--observer-config FILE`: the observer's thresholds, every one checked, a bad one named with
 * its place in the file ("runaway.k: must be at least 1").
 */
export function observerConfigFromFile(file: string): ObserverConfig {
	const path = resolve(file);
	const parsed = observerConfigSchema.safeParse(readJsonFile(path, "observer config"));
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
	throw new UsageError(`The observer config ${path}: ${where}${issue?.message ?? "invalid"}.`);
}

/**
 * `--observer LEVEL` with `--steering`, `--insights`, `--budget`, `--observer-config` and
 * `--observer-model`: the run's observer, or undefined when it is off. The others need the level.
 */
export function observerFromFlags(flags: Record<string, unknown>): unknown {
	if (flags.observer === undefined) {
		for (const [flag, key] of [
			["--steering", "steering"],
			["--insights", "insights"],
			["--budget", "budget"],
			["--observer-config", "observerConfig"],
			["--observer-model", "observerModel"],
		] as const) {
			if (flags[key] !== undefined) {
				throw new UsageError(`${flag} needs --observer basic|full|autonomous (the observer is off without it).`);
			}
		}
		return undefined;
	}
	return {
		level: flags.observer,
		steering: flags.steering,
		insights: flags.insights,
		budgetUsd: flags.budget,
		model: flags.observerModel,
		config: flags.observerConfig === undefined ? undefined : observerConfigFromFile(flags.observerConfig as string),
	};
}

/** The run command's flags, checked against the same schema the HTTP API uses. */
export function runConfigFrom(flags: Record<string, unknown>): RunConfig {
	const parsed = runConfigSchema.safeParse({
		model: flags.model,
		agent: flags.agent,
		sandbox: flags.sandbox,
		freshAgent: flags.freshAgent,
		suite: flags.suite,
		include: flags.include,
		exclude: flags.exclude,
		exercises: flags.exercise,
		all: flags.all,
		concurrency: flags.concurrency,
		timeoutMinutes: flags.timeout,
		iterations: flags.iterations,
		commandTimeoutSeconds: flags.commandTimeout,
		description: flags.description,
		name: flags.name,
		mcp: mcpFromFlags(flags),
		settings: settingsFromFlags(flags),
		systemPrompt:
			flags.systemPrompt === undefined ? undefined : readTextFile(resolve(String(flags.systemPrompt)), "system prompt"),
		prompts: flags.prompts === undefined ? undefined : promptsFromDir(resolve(String(flags.prompts))),
		tries: flags.tries,
		fallbackModel: flags.fallbackModel,
		otel: flags.otel,
		observer: observerFromFlags(flags),
	});
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new UsageError(`invalid ${issue?.path.join(".") ?? "option"}: ${issue?.message ?? "invalid"}`);
	}
	return parsed.data;
}

/** `--set key=value`, repeatable: the value is JSON when it parses as JSON, else the text itself. */
export function setting(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
	const eq = value.indexOf("=");
	if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}".`);
	const key = value.slice(0, eq).trim();
	const text = value.slice(eq + 1);
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// Not JSON: a plain string such as a model id.
	}
	return { ...previous, [key]: parsed };
}

/**
 * The run's agent settings: `--settings FILE` (a JSON object, Roo Code's key names) with
 * `--set key=value` above it. Checked by the settings schema, naming the file or the flag.
 */
export function settingsFromFlags(flags: Record<string, unknown>): Record<string, unknown> | undefined {
	const file = flags.settings as string | undefined;
	const overrides = (flags.set as Record<string, unknown> | undefined) ?? {};
	const agent = typeof flags.agent === "string" ? flags.agent : runDefaults.agent;
	let fromFile: Record<string, unknown> = {};
	if (file !== undefined) {
		const path = resolve(file);
		const parsed = readJsonFile(path, "settings file");
		if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
			throw new UsageError(
				`The settings file ${path} must hold a JSON object of settings, e.g. {"modelTemperature": 0}.`,
			);
		}
		fromFile = parsed as Record<string, unknown>;
		checkSettings(fromFile, path, agent);
	}
	checkSettings(overrides, "--set", agent);
	if (file === undefined && Object.keys(overrides).length === 0) return undefined;
	return { ...fromFile, ...overrides };
}

function checkSettings(settings: Record<string, unknown>, where: string, agent: string): void {
	for (const key of Object.keys(settings)) {
		const problem = settingKeyProblem(key, agent);
		if (problem) throw new UsageError(`${where}: ${problem}`);
	}
	const parsed = settingsSchema.safeParse(settings);
	if (parsed.success) return;
	const issue = parsed.error.issues[0];
	throw new UsageError(`${where}: ${issue?.path.join(".") || "settings"}: ${issue?.message ?? "invalid"}`);
}

/** A file the user named: one that cannot be read is their mistake, said in one line. */
function readUserFile(path: string, what: string): string {
	try {
		return readFileSync(path, "utf8");
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(
			`Cannot read the ${what} ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}.`,
		);
	}
}

/** A text file the user named: a missing or empty file is their mistake, said in one line. */
export function readTextFile(path: string, what: string): string {
	const text = readUserFile(path, what);
	if (!text.trim()) throw new UsageError(`The ${what} ${path} is empty.`);
	return text;
}

/** `--prompts DIR`: `DIR/<language>.md` for each language it has, replacing the suite's prompts. */
export function promptsFromDir(dir: string): Record<string, string> {
	let names: string[];
	try {
		names = readdirSync(dir);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(
			`Cannot read the prompts folder ${dir}: ${code === "ENOENT" ? "no such folder" : (error as Error).message}.`,
		);
	}
	const prompts: Record<string, string> = {};
	for (const name of names) {
		const language = name.endsWith(".md") ? name.slice(0, -3) : undefined;
		if (language && languageSchema.safeParse(language).success)
			prompts[language] = readTextFile(join(dir, name), "prompt");
	}
	if (Object.keys(prompts).length === 0) {
		throw new UsageError(`The prompts folder ${dir} has no <language>.md file (${languageSchema.options.join(", ")}).`);
	}
	return prompts;
}

/** A JSON file the user named: a missing file or bad JSON is their mistake, said in one line. */
export function readJsonFile(path: string, what: string): unknown {
	const text = readUserFile(path, what);
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new UsageError(`The ${what} ${path} is not valid JSON: ${(error as Error).message}.`);
	}
}
