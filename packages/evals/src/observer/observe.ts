import type { ObserverConfig, ObserverLevel } from "@agent-evals/types";
import type { StoredFindings } from "../db/queries/observer.js";
import type { Store } from "../db/store.js";
import { RunStateError } from "../run/errors.js";
import { RunActivity } from "./activity.js";
import { collectSnapshot, readNewEvents } from "./collect.js";
import { projectBudget } from "./detectors/budget.js";
import { detect, detectorsFor } from "./detectors/index.js";
import { createObserverSession } from "./session.js";

/*
 * `evals observe <id>`: the detectors over a run after the fact, from what the store holds. A run
 * that was not observed gets a session (level `full`, monitor-only) so its findings have a home;
 * an observed one keeps its session, and findings the live observer already stored are updated
 * rather than repeated (same keys). Nothing is steered: the run is over, or executing elsewhere.
 */

export interface ObserveOptions {
	level?: ObserverLevel;
	/** Thresholds to use instead of the session's (stored in the session). */
	config?: ObserverConfig;
	/** A budget to judge the run against (stored in the session). */
	budgetUsd?: number;
}

export async function observeRun(store: Store, runId: number, options: ObserveOptions = {}): Promise<StoredFindings> {
	const run = await store.runs.get(runId);
	if (!run) throw new RunStateError(`There is no run ${runId}.`);
	let session = await store.observer.session(runId);
	if (!session) {
		session = await createObserverSession(store, runId, {
			level: options.level ?? "full",
			steering: "monitor-only",
			insights: "store",
			budgetUsd: options.budgetUsd,
			config: options.config,
		});
	} else if (options.level || options.config || options.budgetUsd !== undefined) {
		const { summarySettings: _unused, ...thresholds } = options.config ?? session.thresholds;
		session =
			(await store.observer.updateSession(runId, {
				...(options.level ? { observerLevel: options.level } : {}),
				thresholds,
				...(options.budgetUsd !== undefined ? { budgetUsd: options.budgetUsd } : {}),
			})) ?? session;
	}
	const thresholds = session.thresholds;
	const activity = new RunActivity();
	await readNewEvents(store, runId, activity);
	const history = await store.observer.history(
		run.model,
		{ runId, createdAt: run.createdAt },
		Math.max(thresholds.runaway.historyRuns, thresholds.flaky.historyRuns),
	);
	const snapshot = await collectSnapshot(store, {
		run,
		activity,
		infraFailures: [],
		history,
		budgetUsd: session.budgetUsd,
		discardedUsd: session.discardedUsd,
		withMcp: true,
		now: run.finishedAt?.getTime() ?? Date.now(),
	});
	const stored = await store.observer.storeFindings(
		session,
		detect(snapshot, detectorsFor(session.observerLevel, thresholds), thresholds),
	);
	const projection = projectBudget(snapshot, thresholds.budget.minFinishedTasks);
	await store.observer.updateSession(runId, {
		spentUsd: projection?.spentUsd ?? snapshot.tasks.reduce((sum, task) => sum + task.cost, 0) + snapshot.discardedUsd,
		projectedUsd: projection?.projectedUsd ?? null,
		projectedLowUsd: projection?.lowUsd ?? null,
		projectedHighUsd: projection?.highUsd ?? null,
	});
	return stored;
}
