import type { Settings } from "@agent-evals/types";

/** An eval agent runs unattended: everything is approved, nothing waits for a person. */
export const DEFAULT_SETTINGS: Settings = {
	apiProvider: "oracle",
	autoApprovalEnabled: true,
	alwaysAllowReadOnly: true,
	alwaysAllowReadOnlyOutsideWorkspace: false,
	alwaysAllowWrite: true,
	alwaysAllowWriteOutsideWorkspace: false,
	alwaysAllowExecute: true,
	alwaysAllowMcp: true,
	alwaysAllowFollowupQuestions: true,
	alwaysApproveResubmit: true,
	commandExecutionTimeout: 120,
	apiRequestTimeout: 600,
	consecutiveMistakeLimit: 3,
	allowedMaxRequests: 100,
	mcpEnabled: true,
	mode: "code",
};

/** The numbers the task loop works with, derived from settings. */
export interface TaskLimits {
	/** Model calls per task before it is stopped. */
	maxTurns: number;
	/** Consecutive turns with a tool failure or no tool call before it is stopped; 0 = no limit. */
	mistakeLimit: number;
	commandTimeoutMs: number;
	apiRequestTimeoutMs: number;
	/** Characters of one tool result the model gets back. */
	maxToolOutputChars: number;
	/** Stop when the task has cost this much (USD); undefined = no limit. */
	maxCost: number | undefined;
}

export function limitsFrom(settings: Settings): TaskLimits {
	const seconds = (value: number | undefined, fallback: number) => Math.round((value ?? fallback) * 1000);
	return {
		maxTurns: settings.allowedMaxRequests ?? 100,
		mistakeLimit: settings.consecutiveMistakeLimit ?? 3,
		// 0 means "no limit" in Roo Code; a command still may not hang an eval forever.
		commandTimeoutMs: settings.commandExecutionTimeout ? seconds(settings.commandExecutionTimeout, 120) : 3_600_000,
		apiRequestTimeoutMs: settings.apiRequestTimeout ? seconds(settings.apiRequestTimeout, 600) : 3_600_000,
		maxToolOutputChars: 50_000,
		maxCost: settings.allowedMaxCost ?? undefined,
	};
}
