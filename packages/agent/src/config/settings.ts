import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type Settings, settingsSchema } from "@agent-evals/types";
import { DEFAULT_SETTINGS } from "./defaults.js";

/** A settings file or variable the user must fix; the message names the file and the key. */
export class SettingsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "SettingsError";
	}
}

/** `AGENT_EVALS_HOME`, else `~/.agent-evals`: global settings, MCP config, default storage. */
export function agentEvalsHome(env: NodeJS.ProcessEnv = process.env): string {
	return env.AGENT_EVALS_HOME || join(homedir(), ".agent-evals");
}

/** Environment variables that set a setting, for runs configured from a shell or CI. */
const ENV_SETTINGS: Record<string, { key: keyof Settings; kind: "string" | "number" }> = {
	AGENT_EVALS_API_PROVIDER: { key: "apiProvider", kind: "string" },
	AGENT_EVALS_MODEL: { key: "apiModelId", kind: "string" },
	AGENT_EVALS_COMMAND_TIMEOUT: { key: "commandExecutionTimeout", kind: "number" },
	AGENT_EVALS_MAX_REQUESTS: { key: "allowedMaxRequests", kind: "number" },
};

export interface SettingsSources {
	workspace: string;
	env?: NodeJS.ProcessEnv;
	/** Settings sent over IPC with StartNewTask (not validated yet): the highest layer. */
	overrides?: Record<string, unknown>;
}

/**
 * Effective settings, lowest layer first: defaults < `~/.agent-evals/settings.json` <
 * `<workspace>/.roo/settings.json` < environment < IPC configuration.
 */
export function loadSettings({ workspace, env = process.env, overrides = {} }: SettingsSources): Settings {
	const globalFile = join(agentEvalsHome(env), "settings.json");
	const projectFile = join(workspace, ".roo", "settings.json");
	return {
		...DEFAULT_SETTINGS,
		...readSettingsFile(globalFile),
		...readSettingsFile(projectFile),
		...settingsFromEnv(env),
		...validated(overrides, "the StartNewTask configuration"),
	};
}

export function readSettingsFile(path: string): Settings {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
		throw new SettingsError(`Cannot read settings file ${path}: ${(error as Error).message}`);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new SettingsError(`Settings file ${path} is not valid JSON: ${(error as Error).message}`);
	}
	return validated(json, `settings file ${path}`);
}

function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
	const settings: Record<string, unknown> = {};
	for (const [name, { key, kind }] of Object.entries(ENV_SETTINGS)) {
		const raw = env[name];
		if (raw === undefined || raw === "") continue;
		if (kind === "number") {
			const value = Number(raw);
			if (!Number.isFinite(value))
				throw new SettingsError(`Environment variable ${name} must be a number, got "${raw}"`);
			settings[key] = value;
		} else {
			settings[key] = raw;
		}
	}
	return validated(settings, "the environment");
}

function validated(value: unknown, source: string): Settings {
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		throw new SettingsError(`Invalid ${source}: expected a JSON object`);
	}
	const parsed = settingsSchema.safeParse(withoutClearedFields(value as Record<string, unknown>));
	if (parsed.success) return parsed.data;
	const details = parsed.error.issues
		.map((issue) => `"${issue.path.join(".") || "(root)"}": ${issue.message}`)
		.join("; ");
	throw new SettingsError(`Invalid ${source}: ${details}`);
}

const settingFields = settingsSchema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;

/**
 * Roo Code keeps a cleared text field as "" and reads it as "not set". Where our schema needs a
 * non-empty value (a base URL, a model id), "" is read the same way: the key is dropped, so a
 * lower layer or the default applies instead of the whole task being refused.
 */
function withoutClearedFields(value: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(value).filter(
			([key, field]) =>
				!(field === "" && Object.hasOwn(settingFields, key) && !settingFields[key]?.safeParse("").success),
		),
	);
}
