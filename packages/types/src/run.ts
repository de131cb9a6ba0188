import { z } from "zod";
import { mcpConfigFileSchema } from "./mcp.js";
import { runObserverSchema } from "./observer.js";
import { settingsSchema } from "./settings.js";
import { languages, otelModes, runDefaults, runLimits } from "./values.js";

export const languageSchema = z.enum(languages, { error: `must be one of ${languages.join(", ")}` });

/**
 * The MCP servers a run gives the agent: an `mcp.json` (Roo Code's format) and the names of the
 * servers in it to use (all of them when absent). With `ab`, a second run without any MCP server
 * is made beside it over the same tasks, interleaved in one queue, and the two are linked.
 */
export const runMcpSchema = z
	.object({
		config: mcpConfigFileSchema,
		servers: z.array(z.string().trim().min(1)).min(1, "name at least one server").optional(),
		/** What the servers are supposed to help with, in the user's words (stored, and told to the agent). */
		userIntent: z.string().trim().min(1).max(5000).optional(),
		ab: z.boolean().default(false),
	})
	.strict();
export type RunMcp = z.infer<typeof runMcpSchema>;

function between(limits: { min: number; max: number }) {
	return z
		.number()
		.int("must be a whole number")
		.min(limits.min, `must be at least ${limits.min}`)
		.max(limits.max, `must be at most ${limits.max}`);
}

/**
 * What to evaluate and how: the options of `evals run` and of `POST /api/runs`. Exercises are
 * `name` or `language/name`; with neither exercises nor languages, the suite's smoke selection
 * (its easy exercises) runs.
 */
export const runConfigSchema = z
	.object({
		model: z.string().trim().min(1).default(runDefaults.model),
		agent: z.string().trim().min(1).default(runDefaults.agent),
		/** Where task commands run: "auto" (bwrap where it works, else local), "local", "bwrap", or another registered sandbox. */
		sandbox: z.string().trim().min(1).default(runDefaults.sandbox),
		/**
		 * A new agent process for every task, instead of one warm agent per slot serving task
		 * after task. Agents that cannot serve more than one task always start fresh.
		 */
		freshAgent: z.boolean().default(false),
		suite: z.string().trim().min(1).optional(),
		include: z.array(languageSchema).optional(),
		exclude: z.array(languageSchema).optional(),
		exercises: z.array(z.string().trim().min(1)).optional(),
		all: z.boolean().default(false),
		concurrency: between(runLimits.concurrency).default(runDefaults.concurrency),
		timeoutMinutes: z
			.number()
			.positive()
			.max(runLimits.timeoutMinutes.max, `must be at most ${runLimits.timeoutMinutes.max}`)
			.default(runDefaults.timeoutMinutes),
		iterations: between(runLimits.iterations).default(runDefaults.iterations),
		/** Limit for each grading command, seconds. */
		commandTimeoutSeconds: between(runLimits.commandTimeoutSeconds).default(runDefaults.commandTimeoutSeconds),
		name: z.string().trim().max(200).optional(),
		description: z.string().max(5000).optional(),
		mcp: runMcpSchema.optional(),
		/** Extra instructions appended to the agent's system prompt (Roo Code: its custom instructions). */
		systemPrompt: z.string().trim().min(1).max(100_000).optional(),
		/** Task prompts by language, replacing the suite's prompts/<language>.md. */
		prompts: z.partialRecord(languageSchema, z.string().trim().min(1).max(100_000)).optional(),
		/** Tries per task: when the tests fail after the agent finished, it gets their output and tries again. */
		tries: between(runLimits.tries).default(runDefaults.tries),
		/** `provider:model` the agent continues with when the model fails in a way retries do not fix. */
		fallbackModel: z.string().trim().min(1).optional(),
		/**
		 * Where the run's OpenTelemetry spans go (see otelModes); absent: $EVALS_OTEL, else off.
		 * Endpoint and headers come from the OTEL_EXPORTER_OTLP_* variables of the process that
		 * executes the run, never from here.
		 */
		otel: z.enum(otelModes, { error: `must be one of ${otelModes.join(", ")}` }).optional(),
		/**
		 * The observer: detectors over the run's events and history, its findings, and what it may
		 * do about them (steering), with the run's budget. Off when absent.
		 */
		observer: runObserverSchema.optional(),
		/** Extra agent settings (StartNewTask.configuration); secrets are never stored. */
		settings: settingsSchema.optional(),
	})
	.strict();
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
