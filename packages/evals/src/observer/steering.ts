import type { AppliedBy } from "@agent-evals/types";
import type { Recommendation } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { describe, RunBusyError, RunStateError } from "../run/errors.js";

/*
 * Applying a recommendation, by a person (`applied_by = human`, from the API or the dashboard)
 * or by `auto` steering: through the controller's own operations, never around them. The row is
 * claimed first, so an action is never applied twice, and ends `applied` with what changed or
 * `failed` with why. An action this process cannot take (the run executes elsewhere) leaves the
 * row pending.
 */

/** What the observer may ask of whoever executes the run; each returns what it changed. */
export interface SteeringTarget {
	/** Cancels a task for a reason, which its row keeps as its error. */
	cancelTaskFor(taskId: number, reason: string): Promise<string>;
	/** Cancels the running attempt and starts the task again. */
	restartTask(taskId: number, reason: string): Promise<string>;
	setConcurrency(runId: number, concurrency: number): Promise<string>;
	/** Stops starting tasks; running ones stop and go back to pending, for `evals resume`. */
	pauseRun(runId: number, reason: string): Promise<string>;
	stopRun(runId: number, reason: string): Promise<string>;
	/** Infra failures of this signature are no longer retried in the run. */
	stopInfraRetries(runId: number, signature: string): Promise<string>;
}

export class RecommendationError extends RunStateError {}

export async function applyRecommendation(
	store: Store,
	target: SteeringTarget,
	recommendation: Recommendation,
	appliedBy: AppliedBy,
): Promise<Recommendation> {
	const claimed = await store.observer.claim(recommendation.id, appliedBy);
	if (!claimed) {
		const current = await store.observer.recommendation(recommendation.id);
		throw new RecommendationError(
			`Recommendation ${recommendation.id} is ${current?.status ?? "gone"}${current?.outcome ? ` (${current.outcome})` : ""}: only a pending one can be applied.`,
		);
	}
	try {
		const outcome = await perform(target, claimed);
		return (await store.observer.settle(claimed.id, "applied", outcome)) ?? claimed;
	} catch (error) {
		if (error instanceof RunBusyError) {
			await store.observer.release(claimed.id);
			throw error;
		}
		return (await store.observer.settle(claimed.id, "failed", describe(error))) ?? claimed;
	}
}

/** A person decided against it: `ignored`, upstream's word for a dismissed recommendation. */
export async function dismissRecommendation(store: Store, recommendation: Recommendation): Promise<Recommendation> {
	const decided = await store.observer.decide(recommendation.id, {
		status: "ignored",
		appliedBy: "human",
		outcome: "dismissed by a person",
	});
	if (!decided) {
		throw new RecommendationError(
			`Recommendation ${recommendation.id} is ${recommendation.status}: only a pending one can be dismissed.`,
		);
	}
	return decided;
}

function perform(target: SteeringTarget, recommendation: Recommendation): Promise<string> {
	const p = recommendation.parameters;
	const reason = text(p.reason) ?? `by the observer: ${recommendation.description}`;
	switch (recommendation.type) {
		case "cancel_task":
			return target.cancelTaskFor(whole(p.taskId, "taskId"), reason);
		case "requeue_task":
			return target.restartTask(whole(p.taskId, "taskId"), reason);
		case "adjust_concurrency":
			return target.setConcurrency(whole(p.runId, "runId"), whole(p.to, "to"));
		case "pause_run":
			return target.pauseRun(whole(p.runId, "runId"), reason);
		case "stop_run":
			return target.stopRun(whole(p.runId, "runId"), reason);
		case "stop_infra_retries":
			return target.stopInfraRetries(whole(p.runId, "runId"), text(p.signature) ?? "");
	}
}

function whole(value: unknown, name: string): number {
	if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
	throw new RecommendationError(`the recommendation's parameter ${name} is not a positive whole number`);
}

function text(value: unknown): string | undefined {
	return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
