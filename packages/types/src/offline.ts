import { z } from "zod";

const tokenCount = z.number().int().nonnegative();

/**
 * One assistant turn of the `scripted` offline model. Tests use scripts to produce failures,
 * retries, tool errors, slow models and huge outputs on demand.
 */
export const scriptTurnSchema = z.object({
	text: z.string().optional(),
	reasoning: z.string().optional(),
	toolCalls: z.array(z.object({ name: z.string().min(1), input: z.unknown() })).optional(),
	usage: z
		.object({
			inputTokens: tokenCount,
			outputTokens: tokenCount,
			cacheReadTokens: tokenCount.optional(),
			cacheWriteTokens: tokenCount.optional(),
		})
		.optional(),
	/** Wait this long before answering (cancellation interrupts the wait). */
	delayMs: z.number().int().nonnegative().max(3_600_000).optional(),
	/**
	 * Fail this call instead of answering. A string fails like a provider error without a status
	 * (not retried); an object with a retryable `status` (429, 5xx) fails that many `times`
	 * (default 1) and then the same turn answers normally, so retries can be exercised.
	 */
	error: z
		.union([
			z.string(),
			z.object({
				message: z.string().optional(),
				status: z.number().int().min(400).max(599).optional(),
				retryAfterSeconds: z.number().nonnegative().optional(),
				times: z.number().int().positive().optional(),
			}),
		])
		.optional(),
});
export type ScriptTurn = z.infer<typeof scriptTurnSchema>;

/** Settings keys the offline models read from `StartNewTask.configuration`. */
export const offlineSettingsSchema = z.looseObject({
	/** Absolute path, outside the workspace: files at their workspace-relative paths. */
	oracleSolutionDir: z.string().min(1).optional(),
	/** Shell command the oracle runs (with execute_command) after writing the solution. */
	oracleTestCommand: z.string().min(1).optional(),
	script: z.array(scriptTurnSchema).optional(),
});
export type OfflineSettings = z.infer<typeof offlineSettingsSchema>;
