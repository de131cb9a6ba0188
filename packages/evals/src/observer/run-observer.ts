import type { HistoryTask } from "../db/queries/observer.js";
import type { ObserverSession, Run } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { describe } from "../run/errors.js";
import { RunActivity } from "./activity.js";
import { collectSnapshot, readNewEvents } from "./collect.js";
import { projectBudget } from "./detectors/budget.js";
import { type Detector, detect, detectorsFor } from "./detectors/index.js";
import { appendFindings, writeObserverReport } from "./export.js";
import type { InfraFailure } from "./snapshot.js";
import { applyRecommendation, type SteeringTarget } from "./steering.js";
import { writeSummary } from "./summary.js";

/*
 * The live observer of one run, inside the process that executes it: every few seconds it reads
 * what the store gained, runs the level's detectors, stores the findings, and in `auto` steering
 * applies the safe recommendations through the controller. At the end it looks once more, closes
 * its session, writes the exports and the narrative summary. A failure of the observer is logged
 * and never stops the run.
 */

const MCP_DETECTORS = new Set(["tool_error_rate", "mcp_latency", "mcp_server_down"]);

export interface RunObserverOptions {
	store: Store;
	steering: SteeringTarget;
	evalsHome: string;
	log: (message: string) => void;
	/** Where the summary model's keys come from. */
	env?: NodeJS.ProcessEnv;
}

export class RunObserver {
	private readonly activity = new RunActivity();
	private readonly infraFailures: InfraFailure[] = [];
	private readonly detectors: Detector[];
	private history: HistoryTask[] = [];
	private timer: NodeJS.Timeout | undefined;
	private chain: Promise<void> = Promise.resolve();
	private stopped = false;

	private constructor(
		private run: Run,
		private session: ObserverSession,
		private readonly options: RunObserverOptions,
	) {
		this.detectors = detectorsFor(session.observerLevel, session.thresholds);
	}

	/** The observer of a run that has a session; undefined for a run that is not observed. */
	static async open(run: Run, options: RunObserverOptions): Promise<RunObserver | undefined> {
		const session = await options.store.observer.session(run.id);
		return session ? new RunObserver(run, session, options) : undefined;
	}

	get steeringMode() {
		return this.session.steeringMode;
	}

	/** Loads the history, looks once (a resumed run over its budget pauses before a task starts), then keeps looking. */
	async start(): Promise<void> {
		const { store } = this.options;
		this.session =
			(await store.observer.updateSession(this.run.id, { status: "active", endedAt: null })) ?? this.session;
		const thresholds = this.session.thresholds;
		const historyRuns = Math.max(thresholds.runaway.historyRuns, thresholds.flaky.historyRuns);
		this.history = await store.observer
			.history(this.run.model, { runId: this.run.id, createdAt: this.run.createdAt }, historyRuns)
			.catch((error) => {
				this.log(`cannot read the history: ${describe(error)}`);
				return [];
			});
		await this.look();
		if (this.stopped) return;
		this.timer = setInterval(() => void this.look(), thresholds.intervalSeconds * 1000);
		this.timer.unref();
	}

	/** An attempt ended; infra failures are kept here, since a retry overwrites them in the store. */
	noteAttempt(taskId: number, attempt: number, outcome: { failureKind: string | null; summary: string }): void {
		if (outcome.failureKind === "infra") {
			this.infraFailures.push({ taskId, attempt, error: outcome.summary, at: Date.now() });
		}
	}

	/** Stops looking (the run ended without `finish`, e.g. the controller failed). */
	stop(): void {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
	}

	/** One look; looks never overlap. */
	look(): Promise<void> {
		this.chain = this.chain.then(
			() => this.lookOnce(),
			() => this.lookOnce(),
		);
		return this.chain.catch((error) => this.log(`a look failed: ${describe(error)}`));
	}

	/** The run is over (or paused): a last look at its final state, then the session closes. */
	async finish(run: Run): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		this.run = run;
		await this.look();
		const { store, evalsHome } = this.options;
		const paused = run.status === "paused";
		this.session =
			(await store.observer
				.updateSession(run.id, { status: "ended", endedAt: new Date() })
				.catch((error) => this.log(`cannot close the session: ${describe(error)}`))) ?? this.session;
		if (this.session.model && !paused) {
			await writeSummary(store, run.id, { env: this.options.env }).catch((error) =>
				this.log(`no summary: ${describe(error)}`),
			);
		}
		if (this.session.insightsConfig !== "store") {
			await writeObserverReport(store, evalsHome, run.id).catch((error) =>
				this.log(`cannot write the report: ${describe(error)}`),
			);
		}
	}

	private async lookOnce(): Promise<void> {
		const { store } = this.options;
		await readNewEvents(store, this.run.id, this.activity);
		const [run, session] = await Promise.all([store.runs.get(this.run.id), store.observer.session(this.run.id)]);
		if (!run || !session) return;
		this.run = run;
		this.session = session;
		const snapshot = await collectSnapshot(store, {
			run,
			activity: this.activity,
			infraFailures: this.infraFailures,
			history: this.history,
			budgetUsd: session.budgetUsd,
			discardedUsd: session.discardedUsd,
			withMcp: this.detectors.some((detector) => MCP_DETECTORS.has(detector.name)),
			now: run.finishedAt && run.status !== "running" ? run.finishedAt.getTime() : Date.now(),
		});
		const findings = detect(snapshot, this.detectors, session.thresholds);
		const stored = await store.observer.storeFindings(session, findings);
		for (const anomaly of stored.created) this.log(`${anomaly.severity}: ${anomaly.title}`);
		await this.recordBudget(snapshot);
		if (session.insightsConfig === "realtime" && (stored.created.length > 0 || stored.updated.length > 0)) {
			await appendFindings(this.options.evalsHome, run.id, stored.created);
			await writeObserverReport(store, this.options.evalsHome, run.id);
		}
		if (session.steeringMode !== "auto" || run.status !== "running") return;
		for (const recommendation of stored.recommendations) {
			if (!recommendation.autoSafe) continue;
			const applied = await applyRecommendation(store, this.options.steering, recommendation, "auto").catch(
				(error: unknown) => {
					this.log(`could not apply ${recommendation.type}: ${describe(error)}`);
					return undefined;
				},
			);
			if (applied) this.log(`auto ${applied.type}: ${applied.status}, ${applied.outcome ?? ""}`);
		}
	}

	/** The session's budget totals, written only when they moved (each write wakes the streams). */
	private async recordBudget(snapshot: Parameters<typeof projectBudget>[0]): Promise<void> {
		const projection = projectBudget(snapshot, this.session.thresholds.budget.minFinishedTasks);
		const spentUsd =
			projection?.spentUsd ?? snapshot.tasks.reduce((sum, task) => sum + task.cost, 0) + snapshot.discardedUsd;
		const next = {
			spentUsd,
			projectedUsd: projection?.projectedUsd ?? null,
			projectedLowUsd: projection?.lowUsd ?? null,
			projectedHighUsd: projection?.highUsd ?? null,
		};
		const current = this.session;
		const same = (a: number | null, b: number | null) =>
			a === null || b === null ? a === b : Math.abs(a - b) <= Math.max(1e-6, Math.abs(a) * 1e-5);
		if (
			same(current.spentUsd, next.spentUsd) &&
			same(current.projectedUsd, next.projectedUsd) &&
			same(current.projectedLowUsd, next.projectedLowUsd) &&
			same(current.projectedHighUsd, next.projectedHighUsd)
		) {
			return;
		}
		this.session = (await this.options.store.observer.updateSession(this.run.id, next)) ?? this.session;
	}

	private log(message: string): void {
		this.options.log(`run ${this.run.id} observer: ${message}`);
	}
}
