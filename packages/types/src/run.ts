import { z } from "zod";
import { settingsSchema } from "./settings.js";

/** Languages a suite can hold. */
export const languages = ["cpp", "go", "java", "javascript", "python", "rust", "typescript"] as const;
export const languageSchema = z.enum(languages, { error: `must be one of ${languages.join(", ")}` });

/**
 * What to evaluate and how: the options of `evals run` and of `POST /api/runs`. Exercises are
 * `name` or `language/name`; with neither exercises nor languages, the suite's smoke selection
 * (its easy exercises) runs.
 */
export const runConfigSchema = z
	.object({
		model: z.string().trim().min(1).default("oracle"),
		agent: z.string().trim().min(1).default("builtin"),
		suite: z.string().trim().min(1).optional(),
		include: z.array(languageSchema).optional(),
		exclude: z.array(languageSchema).optional(),
		exercises: z.array(z.string().trim().min(1)).optional(),
		all: z.boolean().default(false),
		concurrency: z.number().int().min(1, "must be at least 1").max(25, "must be at most 25").default(2),
		timeoutMinutes: z
			.number()
			.positive()
			.max(24 * 60)
			.default(5),
		iterations: z.number().int().min(1).max(100).default(1),
		/** Limit for each grading command, seconds. */
		commandTimeoutSeconds: z.number().int().positive().max(3600).default(120),
		name: z.string().trim().max(200).optional(),
		description: z.string().max(5000).optional(),
		/** Extra agent settings (StartNewTask.configuration); secrets are never stored. */
		settings: settingsSchema.optional(),
	})
	.strict();
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
