import type { RunSummary } from "../api/types.js";

/** What the run page knows when it last heard from the server, to extrapolate between events. */
export interface RunClock {
	/** Server-computed elapsed time at `fetchedAt`, so client clock skew does not matter. */
	elapsedMs: number;
	/** Server estimate at `fetchedAt`, if it had one. */
	etaMs: number | null;
	/** Client time (ms since epoch) the values above were read. */
	fetchedAt: number;
}

type RunTimes = Pick<RunSummary, "status" | "startedAt" | "finishedAt" | "durationMs">;

export function isRunTicking(run: RunTimes): boolean {
	return run.status === "running" || (run.status === "pending" && run.startedAt !== null);
}

/** Elapsed wall time of a run: the final duration once over, else extrapolated from the server's figure. */
export function elapsedMs(run: RunTimes, clock: RunClock, now: number): number {
	if (!isRunTicking(run)) {
		if (run.durationMs !== null && run.durationMs !== undefined) return run.durationMs;
		return clock.elapsedMs;
	}
	return clock.elapsedMs + Math.max(0, now - clock.fetchedAt);
}

export interface EtaInput {
	elapsedMs: number;
	/** Tasks with a verdict (passed, failed, cancelled). */
	finished: number;
	/** Tasks still to finish (running + pending). */
	remaining: number;
	/** The server's estimate and when it was read, used until the run has its own throughput. */
	serverEtaMs?: number | null;
	serverEtaAgeMs?: number;
}

/**
 * Remaining time from the run's own throughput so far: elapsed / finished × remaining. It
 * already includes the concurrency actually reached and the mix of fast and slow exercises,
 * and it settles as tasks finish. Before the first verdict the server's estimate (from the
 * timeout or earlier runs) is the only guess; null means "no idea yet".
 */
export function estimateRemainingMs(input: EtaInput): number | null {
	if (input.remaining <= 0) return 0;
	if (input.finished > 0 && input.elapsedMs > 0) {
		return Math.round((input.elapsedMs / input.finished) * input.remaining);
	}
	if (input.serverEtaMs !== null && input.serverEtaMs !== undefined) {
		return Math.max(0, input.serverEtaMs - (input.serverEtaAgeMs ?? 0));
	}
	return null;
}

/** The ETA the run page shows: throughput from the live counters, until the run is over. */
export function runEtaMs(run: RunSummary, clock: RunClock, now: number): number | null {
	if (!isRunTicking(run)) return run.status === "pending" ? clock.etaMs : null;
	const finished = Math.max(0, run.total - run.running - run.pending);
	return estimateRemainingMs({
		elapsedMs: elapsedMs(run, clock, now),
		finished,
		remaining: run.running + run.pending,
		serverEtaMs: clock.etaMs,
		serverEtaAgeMs: Math.max(0, now - clock.fetchedAt),
	});
}
