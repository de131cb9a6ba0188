import { describe } from "./errors.js";

/** At most this many notes are kept per run; the count says how many there were. */
const MAX_NOTES = 50;

/**
 * Problems of the platform itself while a run executes: a store write that failed, an event that
 * could not be published. None of them changes a verdict, but none may vanish either: each is
 * logged at once with its task id and kept, and the run stores them as its notes when it finishes.
 */
export class RunNotes {
	private readonly notes: string[] = [];
	private count = 0;

	constructor(
		private readonly runId: number,
		private readonly log: (message: string) => void,
	) {}

	/** Records that `what` failed for a task (or the run, without a task id). */
	failed(what: string, error: unknown, taskId?: number): void {
		const note = `${taskId === undefined ? "" : `task ${taskId}: `}${what} failed: ${describe(error)}`;
		this.count++;
		this.log(`run ${this.runId} ${note}`);
		if (this.notes.length < MAX_NOTES) this.notes.push(note);
	}

	/** A `.catch` handler that records the failure instead of swallowing it. */
	catcher(what: string, taskId?: number): (error: unknown) => void {
		return (error) => this.failed(what, error, taskId);
	}

	/** The notes to store with the run (with a count of any beyond the cap). */
	list(): string[] {
		const dropped = this.count - this.notes.length;
		return dropped > 0 ? [...this.notes, `… and ${dropped} more (see the log)`] : [...this.notes];
	}
}
