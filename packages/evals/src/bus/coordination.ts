import type { WorkerInfo } from "@agent-evals/types";

/**
 * What controllers and workers tell each other about liveness, beside the store: a run's
 * controller heartbeat (`heartbeat:<runId>`, the controller's pid, expiring) and the tasks in
 * flight (`runners:<runId>`, members `task-<id>:<host>`), as upstream names them in Redis. The
 * store stays the source of truth; these keys let other tools see who is alive without it.
 */
export interface Coordination {
	/** Sets the run's heartbeat to `pid`, expiring after `ttlSeconds` unless refreshed. */
	beat(runId: number, pid: number, ttlSeconds: number): Promise<void>;
	/** The pid holding the run's heartbeat, or undefined when none is alive. */
	heartbeatOf(runId: number): Promise<number | undefined>;
	/** Removes the run's heartbeat (its controller stopped). */
	clearBeat(runId: number): Promise<void>;
	/** Lists a task in flight; the set expires after `ttlSeconds` unless refreshed. */
	addRunner(runId: number, member: string, ttlSeconds: number): Promise<void>;
	removeRunner(runId: number, member: string): Promise<void>;
	runners(runId: number): Promise<string[]>;
	/** A worker says it is alive and what it is doing; forgotten after `ttlSeconds` without news. */
	advertise(info: WorkerInfo, ttlSeconds: number): Promise<void>;
	/** A worker that stops cleanly takes itself off the list at once. */
	withdraw(name: string): Promise<void>;
	/** The workers alive now, by name. */
	workers(): Promise<WorkerInfo[]>;
}

export const heartbeatKey = (runId: number) => `heartbeat:${runId}`;
export const runnersKey = (runId: number) => `runners:${runId}`;
export const runnerMember = (taskId: number, host: string) => `task-${taskId}:${host}`;

/** In-process coordination: the same answers within one process, with expiry by the clock. */
export class MemoryCoordination implements Coordination {
	private readonly beats = new Map<number, { pid: number; until: number }>();
	private readonly sets = new Map<number, { members: Set<string>; until: number }>();
	private readonly adverts = new Map<string, { info: WorkerInfo; until: number }>();

	async advertise(info: WorkerInfo, ttlSeconds: number): Promise<void> {
		this.adverts.set(info.name, { info, until: Date.now() + ttlSeconds * 1000 });
	}

	async withdraw(name: string): Promise<void> {
		this.adverts.delete(name);
	}

	async workers(): Promise<WorkerInfo[]> {
		const now = Date.now();
		return [...this.adverts.values()]
			.filter((advert) => advert.until > now)
			.map((advert) => advert.info)
			.sort((a, b) => a.name.localeCompare(b.name));
	}

	async beat(runId: number, pid: number, ttlSeconds: number): Promise<void> {
		this.beats.set(runId, { pid, until: Date.now() + ttlSeconds * 1000 });
	}

	async heartbeatOf(runId: number): Promise<number | undefined> {
		const beat = this.beats.get(runId);
		return beat && beat.until > Date.now() ? beat.pid : undefined;
	}

	async clearBeat(runId: number): Promise<void> {
		this.beats.delete(runId);
	}

	async addRunner(runId: number, member: string, ttlSeconds: number): Promise<void> {
		const set = this.liveSet(runId) ?? { members: new Set<string>(), until: 0 };
		set.members.add(member);
		set.until = Date.now() + ttlSeconds * 1000;
		this.sets.set(runId, set);
	}

	async removeRunner(runId: number, member: string): Promise<void> {
		this.liveSet(runId)?.members.delete(member);
	}

	async runners(runId: number): Promise<string[]> {
		return [...(this.liveSet(runId)?.members ?? [])];
	}

	private liveSet(runId: number) {
		const set = this.sets.get(runId);
		if (set && set.until <= Date.now()) {
			this.sets.delete(runId);
			return undefined;
		}
		return set;
	}
}
