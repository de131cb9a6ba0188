import type { Settings } from "@agent-evals/types";
import type { Endpoint } from "./endpoints.js";

/*
 * The seam between the shim and one coding-agent CLI. A spec says which npm package and
 * versions it is, how to launch it non-interactively for a task (or to resume one), and how to
 * read its JSON stream; the shim does everything else (IPC, events, usage, cancel, storage).
 */

/** Token usage as the CLI reported it, in OpenAI's convention: `inputTokens` includes cache reads and writes. */
export interface UsageReport {
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
	/** USD, when the CLI says what the usage cost. */
	cost?: number;
}

/**
 * What a line of the CLI's stream means, in the shim's words. Parsers turn each CLI's own JSON
 * into these; the translator turns these into Roo Code's events.
 */
export type CliEvent =
	/** The CLI's own session id: what its resume option takes. */
	| { type: "session"; id: string }
	/** Assistant text: a whole block, or (`delta`) the next piece of a block being streamed. */
	| { type: "text"; text: string; delta?: boolean }
	| { type: "reasoning"; text: string }
	/** The CLI's tool `name` was called; `id` pairs it with its result. */
	| { type: "tool"; id: string; name: string; input: Record<string, unknown> }
	/** Output a running tool printed so far (commands that stream). */
	| { type: "tool_output"; id: string; chunk: string }
	/**
	 * A tool's result. `failed` means the tool could not do its job; a command that ran and
	 * exited non-zero did its job (as with our own agent) and is not a failure.
	 */
	| { type: "tool_result"; id: string; output: string; failed: boolean }
	/**
	 * One model call's usage (`add`), everything this CLI run has used so far (`total`), or
	 * everything the CLI's session has used, earlier runs on it (before a resume) included
	 * (`session`: Codex restores its running total from the session it resumes).
	 */
	| { type: "usage"; mode: "add" | "total" | "session"; usage: UsageReport }
	/** Something the CLI reported as an error (it may still recover). */
	| { type: "error"; message: string }
	/** The CLI's own verdict on the run: the end of the task. */
	| { type: "result"; ok: boolean; text?: string; error?: string };

/** Turns the CLI's stdout, one line at a time, into events. One parser per CLI run. */
export interface StreamParser {
	line(text: string): CliEvent[];
	/** Called once when stdout has ended; may return what was left (a last usage, a session id). */
	end?(): CliEvent[];
}

export interface LaunchRequest {
	/** The task text (a new task), or the message that continues a resumed one. */
	prompt: string;
	settings: Settings;
	endpoint: Endpoint;
	workspace: string;
	/** A private folder for this task's CLI configuration and sessions (kept for resume). */
	configDir: string;
	/** Shared between tasks: caches a CLI may fill at run time (plugins, model lists). */
	cacheDir: string;
	/** The CLI's session to continue (ResumeTask, SendMessage after the end). */
	resumeSession?: string;
	/** The installed CLI's entry point (from the agents cache). */
	binPath: string;
}

export interface CliLaunch {
	command: string;
	args: string[];
	/** Added to the shim's base environment (keys, base URLs, config locations). */
	env: Record<string, string>;
	/** Files to write before the start (configuration); `secret` ones are removed when the run ends. */
	files?: { path: string; content: string; secret?: boolean }[];
}

/** What an adapter reports, for `evals agents list` and the README. */
export interface Capabilities {
	tokens: "per call" | "per run" | "none";
	cacheTokens: boolean;
	cost: "cli" | "table";
	tools: boolean;
	resume: boolean;
}

export interface CliAgentSpec {
	/** The adapter name: `--agent <name>`, `evals agents install <name>`. */
	readonly name: string;
	readonly title: string;
	readonly package: string;
	/** The version `evals agents install` installs. */
	readonly version: string;
	/** Versions the adapter is known to work with: `>=min <below`. */
	readonly supports: { min: string; below: string };
	/** The executable in node_modules/.bin. */
	readonly bin: string;
	/** Provider ids it can be pointed at (StartNewTask's apiProvider). */
	readonly providers: readonly string[];
	/** Why other providers are not possible, said when a run asks for one. */
	readonly providerNote: string;
	readonly capabilities: Capabilities;
	launch(request: LaunchRequest): CliLaunch;
	parser(): StreamParser;
	/**
	 * The session to resume when the stream never named one (Cline writes it to its data
	 * folder instead).
	 */
	findSession?(configDir: string): Promise<string | undefined>;
	/** Our tool name for one of the CLI's (`execute_command`, `read_file`, …), or undefined to keep its own. */
	toolName(name: string, input: Record<string, unknown>): string | undefined;
	/** The command line of a command tool call, for the transcript. */
	commandOf?(input: Record<string, unknown>): string | undefined;
}
