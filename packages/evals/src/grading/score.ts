import type { FailureKind } from "@agent-evals/types";
import type { Verdict } from "./runner.js";

/** How the agent's part of a task ended, as the runner saw it. */
export type AgentOutcome = "completed" | "aborted" | "timeout" | "cancelled" | "crashed";

/** The facts a task's verdict is judged from, gathered by the runner before it calls `score`. */
export type TaskFacts =
	/** Nothing was graded: the workspace, the agent's start or the IPC connection failed. */
	| { stage: "setup"; error: string; cancelled: boolean }
	/** The agent ran and its work was graded (unless the task was cancelled while it ran). */
	| {
			stage: "agent";
			agent: AgentOutcome;
			/** The agent's last error message, if it said one. */
			agentError?: string;
			/** Absent when the task was cancelled before grading. */
			/** `notes`: what grading restored or removed, and that a refactoring exercise cannot be judged. */
			grade?: { verdict: Verdict; summary: string; notes: readonly string[] };
			/** The run or task was cancelled (grading may then have stopped early). */
			cancelled: boolean;
	  };

export interface Score {
	passed: boolean;
	/** null when passed. */
	failureKind: FailureKind | null;
	/** One line for the task's error column: what was found and why it failed. */
	summary: string;
}

/**
 * The verdict of a task: a pure function of what happened, with no I/O. Passing tests pass the
 * task whatever the agent said; the failure kind says whose fault a failure is: the machine's
 * (`infra`), nobody's (`cancelled`), or the agent's (`timeout`, `test_failed` when it claimed to
 * be done, `agent_error` when it aborted or crashed).
 */
export function score(facts: TaskFacts): Score {
	if (facts.stage === "setup") {
		return facts.cancelled
			? { passed: false, failureKind: "cancelled", summary: "cancelled" }
			: { passed: false, failureKind: "infra", summary: facts.error };
	}
	const { grade } = facts;
	if (facts.agent === "cancelled" || !grade) return { passed: false, failureKind: "cancelled", summary: "cancelled" };
	const passed = grade.verdict === "passed";
	const notes = [grade.summary, ...grade.notes];
	if (!passed && facts.agent !== "completed") {
		notes.push(`agent ${facts.agent}${facts.agentError ? `: ${facts.agentError}` : ""}`);
	}
	return {
		passed,
		failureKind: passed ? null : failureKind(facts.agent, grade.verdict, facts.cancelled),
		summary: notes.join("; "),
	};
}

function failureKind(agent: AgentOutcome, verdict: Verdict, cancelled: boolean): FailureKind {
	// Grading that could not judge the work is the machine's fault, or the cancel's.
	if (verdict === "infra") return cancelled ? "cancelled" : "infra";
	if (agent === "timeout") return "timeout";
	return agent === "completed" ? "test_failed" : "agent_error";
}
