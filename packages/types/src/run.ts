import { z } from "zod";
import { settingsSchema } from "./settings.js";
import { languages, runDefaults, runLimits } from "./values.js";

export const languageSchema = z.enum(languages, { error: `must be one of ${languages.join(", ")}` });

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
		/** Where task commands run: "local", or a registered sandbox such as "bwrap". */
		sandbox: z.string().trim().min(1).default(runDefaults.sandbox),
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
		/** Extra agent settings (StartNewTask.configuration); secrets are never stored. */
		settings: settingsSchema.optional(),
	})
	.strict();
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
