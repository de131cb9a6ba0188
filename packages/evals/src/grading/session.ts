import path from "node:path";
import type { Language } from "@agent-evals/types";
import { capText } from "../sandbox/output.js";
import { type ExecResult, type Sandbox, SandboxUnavailableError } from "../sandbox/sandbox.js";
import {
	type CommandRecord,
	DEFAULT_COMMAND_TIMEOUT_MS,
	GRADE_OUTPUT_MAX_BYTES,
	type GradeOptions,
	type GradeResult,
	type LanguageRunner,
	type Verdict,
} from "./runner.js";

/*
 * Non-interactive, colourless, quiet tools: CI=1 turns off watch modes and prompts (jest,
 * vitest), NO_COLOR and TERM=dumb keep escape codes out of the stored output, and the npm
 * variables keep its update and funding notices out of it.
 */
export const BASE_ENV: Readonly<Record<string, string>> = {
	CI: "1",
	NO_COLOR: "1",
	TERM: "dumb",
	npm_config_update_notifier: "false",
	npm_config_fund: "false",
	npm_config_audit: "false",
};

/** Ends grading early with a verdict (a timeout, a cancellation, an infra problem found midway). */
export class GradingStop extends Error {
	constructor(
		readonly verdict: Verdict,
		readonly summary: string,
	) {
		super(summary);
		this.name = "GradingStop";
	}
}

export interface RunOptions {
	/** Relative to the workspace, or absolute. Default: the workspace. */
	cwd?: string;
	env?: Record<string, string>;
	/** Shorter limit for probes; never longer than the per-command limit. */
	timeoutMs?: number;
	/** A timeout is an answer here (a probe), not the end of grading. */
	allowTimeout?: boolean;
	/** Folders outside the workspace the command writes (a build folder); see `ExecOptions.writablePaths`. */
	writablePaths?: readonly string[];
	/** Folders outside the workspace the command reads; see `ExecOptions.readablePaths`. */
	readablePaths?: readonly string[];
}

/**
 * The commands of one grading, their combined output and records. `run` ends grading by throwing
 * `GradingStop` when a command times out or grading is cancelled, so runners read as the happy path.
 */
export class GradingSession {
	readonly commands: CommandRecord[] = [];
	readonly timeoutMs: number;
	readonly signal: AbortSignal | undefined;
	private readonly parts: string[] = [];
	private derivedEnv: Record<string, string> = {};
	private readonly extraPaths = { writable: [] as string[], readable: [] as string[] };

	constructor(
		private readonly sandbox: Sandbox,
		readonly workspace: string,
		private readonly language: Language,
		options: GradeOptions,
		private readonly runnerEnv: Record<string, string>,
		signal?: AbortSignal,
	) {
		this.timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
		this.signal = signal;
	}

	/**
	 * Variables the runner worked out while grading (a PATH with the exercise's package manager in
	 * front) for every later command. They win over the runner's own env: they were derived from it.
	 */
	setEnv(env: Record<string, string>): void {
		this.derivedEnv = { ...this.derivedEnv, ...env };
	}

	/** The sandbox keeps the host's folders outside the workspace unchanged (`Sandbox.confinesWrites`). */
	get confinesWrites(): boolean {
		return this.sandbox.confinesWrites === true;
	}

	/** Whether commands run without network: dependencies must be on the machine before they run. */
	get offline(): boolean {
		return this.sandbox.offline === true;
	}

	/**
	 * Folders outside the workspace that every later command may write or read (a build folder,
	 * a link to the workspace), which a confining sandbox would otherwise hide or keep read-only.
	 */
	allowPaths(paths: { writable?: readonly string[]; readable?: readonly string[] }): void {
		this.extraPaths.writable.push(...(paths.writable ?? []));
		this.extraPaths.readable.push(...(paths.readable ?? []));
	}

	/** The environment a command gets: quiet defaults, the command's own, the runner's, then derived ones. */
	environment(extra: Record<string, string> = {}): Record<string, string> {
		return { ...BASE_ENV, ...extra, ...this.runnerEnv, ...this.derivedEnv };
	}

	async run(command: string, options: RunOptions = {}): Promise<ExecResult> {
		const cwd = options.cwd === undefined ? this.workspace : path.resolve(this.workspace, options.cwd);
		const timeoutMs = Math.min(options.timeoutMs ?? this.timeoutMs, this.timeoutMs);
		const result = await this.sandbox.exec(command, {
			cwd,
			workspace: this.workspace,
			language: this.language,
			writablePaths: [...this.extraPaths.writable, ...(options.writablePaths ?? [])],
			readablePaths: [...this.extraPaths.readable, ...(options.readablePaths ?? [])],
			timeoutMs,
			env: this.environment(options.env),
			...(this.signal ? { signal: this.signal } : {}),
			maxOutputBytes: GRADE_OUTPUT_MAX_BYTES,
		});
		const text = this.record(command, result, timeoutMs);
		if (result.cancelled) throw new GradingStop("infra", "grading cancelled");
		if (result.stoppedBecause !== undefined) {
			throw new GradingStop("failed", `the sandbox stopped \`${command}\`: ${result.stoppedBecause}`);
		}
		if (result.timedOut && !options.allowTimeout) {
			throw new GradingStop("timeout", `\`${command}\` timed out after ${seconds(timeoutMs)} s`);
		}
		return { ...result, output: text };
	}

	/**
	 * Adds a command's outcome to the records and the output; `run` does this for its commands, and
	 * runners call it for the ones they ran elsewhere (a dependency install on the host). Returns
	 * the output without escape codes.
	 */
	record(command: string, result: ExecResult, timeoutMs: number): string {
		this.commands.push({ command, exitCode: result.exitCode, durationMs: result.durationMs });
		const status = result.timedOut
			? `timed out after ${seconds(timeoutMs)} s; process tree killed`
			: result.stoppedBecause !== undefined
				? `stopped by the sandbox: ${result.stoppedBecause}`
				: result.cancelled
					? "cancelled"
					: result.exitCode !== null
						? `exit code ${result.exitCode}`
						: `killed by ${result.signal ?? "a signal"}`;
		const text = stripAnsi(result.output);
		const body = text.endsWith("\n") || text === "" ? text : `${text}\n`;
		this.parts.push(`$ ${command}\n${body}[${status}, ${seconds(result.durationMs)} s]\n`);
		return text;
	}

	/** Adds a line of explanation to the output (a fallback taken, a stale report removed). */
	note(text: string): void {
		this.parts.push(`# ${text}\n`);
	}

	/** Which of `tools` the sandbox cannot find on its PATH (one probe, not recorded as a command). */
	async missingTools(tools: readonly string[]): Promise<string[]> {
		// A tool found once stays found for this process: every grading asked the sandbox again,
		// one shell per task. Missing tools are asked about each time, so installing one mid-run helps.
		const cacheKey = (tool: string) => `${this.sandbox.name}\0${this.runnerEnv.PATH ?? ""}\0${tool}`;
		const unknown = tools.filter((tool) => !foundTools.has(cacheKey(tool)));
		if (unknown.length === 0) return [];
		const missing = await this.probeTools(unknown);
		for (const tool of unknown) if (!missing.includes(tool)) foundTools.add(cacheKey(tool));
		return missing;
	}

	private async probeTools(tools: readonly string[]): Promise<string[]> {
		const list = tools.map((tool) => `'${tool.replaceAll("'", "'\\''")}'`).join(" ");
		const result = await this.sandbox.exec(
			`for tool in ${list}; do command -v "$tool" >/dev/null 2>&1 || printf 'missing:%s\\n' "$tool"; done`,
			{
				cwd: this.workspace,
				workspace: this.workspace,
				language: this.language,
				timeoutMs: Math.min(this.timeoutMs, 15_000),
				env: this.environment(),
				...(this.signal ? { signal: this.signal } : {}),
			},
		);
		if (result.cancelled) throw new GradingStop("infra", "grading cancelled");
		if (result.timedOut) throw new GradingStop("infra", "the sandbox did not answer a PATH lookup in time");
		return [...result.output.matchAll(/^missing:(.+)$/gm)].map((match) => match[1] ?? "");
	}

	output(): string {
		return capText(this.parts.join(""), GRADE_OUTPUT_MAX_BYTES);
	}
}

const foundTools = new Set<string>();

export function missingToolsSummary(missing: string[]): string {
	return `${missing.join(", ")} not found on PATH`;
}

/** One grading: which runner grades which workspace, where, and how. */
export interface GradingContext {
	/** Its language gives the commands that toolchain's caches; its tools are checked first. */
	runner: Pick<LanguageRunner, "language" | "requiredTools">;
	sandbox: Sandbox;
	workspace: string;
	options: GradeOptions | undefined;
	/** The runner's own variables for every command (`RunnerOptions.env`). */
	env: Record<string, string> | undefined;
}

/**
 * The frame every runner grades in: checks the required tools first, then runs `body`, and turns
 * every way grading can end (a stop, an unavailable sandbox, an unexpected error) into a result.
 */
export async function runGrading(
	context: GradingContext,
	body: (session: GradingSession) => Promise<{ verdict: Verdict; summary: string }>,
): Promise<GradeResult> {
	const startedAt = performance.now();
	const options = context.options ?? {};
	const session = new GradingSession(
		context.sandbox,
		context.workspace,
		context.runner.language,
		options,
		context.env ?? {},
		options.signal,
	);
	let outcome: { verdict: Verdict; summary: string };
	try {
		if (options.signal?.aborted) throw new GradingStop("infra", "grading cancelled");
		const missing = await session.missingTools(context.runner.requiredTools);
		outcome = missing.length > 0 ? { verdict: "infra", summary: missingToolsSummary(missing) } : await body(session);
	} catch (error) {
		if (error instanceof GradingStop) outcome = { verdict: error.verdict, summary: error.summary };
		else if (error instanceof SandboxUnavailableError) outcome = { verdict: "infra", summary: error.message };
		else {
			const message = error instanceof Error ? error.message : String(error);
			session.note(`grading error: ${error instanceof Error && error.stack ? error.stack : message}`);
			outcome = { verdict: "infra", summary: `grading error: ${message}` };
		}
	}
	return {
		verdict: outcome.verdict,
		summary: firstLine(outcome.summary),
		output: session.output(),
		commands: session.commands,
		durationMs: Math.round(performance.now() - startedAt),
	};
}

// Some tools colour their output even when told not to (Maven's jansi prints resets).
function stripAnsi(text: string): string {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
	return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

function firstLine(text: string): string {
	const line = text.split("\n", 1)[0] ?? "";
	return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function seconds(ms: number): string {
	const value = ms / 1000;
	return value >= 10 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
}
