import type { TaskSummary } from "@agent-evals/types";
import { finishedTaskStatuses } from "@agent-evals/types";
import cliProgress from "cli-progress";
import { seconds, taskLabel, taskVerdict } from "../report/format.js";

const POLL_MS = 500;

/** Where the display reads a run's tasks: the store here, or the API of the server executing it. */
export type TaskSource = () => Promise<TaskSummary[]>;

/** The observer's findings newer than `afterId`, oldest first (none for a run without observer). */
export type FindingSource = (
	afterId: number,
) => Promise<Array<{ id: number; severity: string; title: string; taskIds: number[] }>>;

/**
 * Shows a run's progress while it executes: a bar with counts and ETA on a terminal, one line
 * per finished task otherwise (CI logs, pipes). It polls a task source, so it shows the same
 * thing whichever process does the work.
 */
export class ProgressDisplay {
	private readonly seen = new Set<number>();
	private bar: cliProgress.SingleBar | undefined;
	private timer: NodeJS.Timeout | undefined;
	private polling: Promise<void> = Promise.resolve();
	private lastFinding = 0;

	constructor(
		private readonly source: TaskSource,
		private readonly out: NodeJS.WriteStream = process.stderr,
		private readonly findings?: FindingSource,
	) {}

	start(total: number): void {
		if (this.out.isTTY) {
			this.bar = new cliProgress.SingleBar(
				{
					format:
						"{bar} {value}/{total} | {passed} passed, {failed} failed, {running} running | elapsed {duration_formatted} | ETA {eta_formatted}",
					hideCursor: true,
					stream: this.out,
					etaBuffer: 5,
				},
				cliProgress.Presets.shades_classic,
			);
			this.bar.start(total, 0, { passed: 0, failed: 0, running: 0 });
		} else {
			this.out.write(`Running ${total} task${total === 1 ? "" : "s"}…\n`);
		}
		this.timer = setInterval(() => {
			this.polling = this.polling.then(() => this.poll()).catch(() => undefined);
		}, POLL_MS);
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		await this.polling;
		await this.poll().catch(() => undefined);
		this.bar?.stop();
	}

	/** Each new finding of the observer is one line, above the bar on a terminal. */
	private async pollFindings(): Promise<void> {
		if (!this.findings) return;
		for (const finding of await this.findings(this.lastFinding)) {
			this.lastFinding = Math.max(this.lastFinding, finding.id);
			const line = findingLine(finding);
			if (this.bar) {
				this.out.write(`\r\x1b[2K${line}\n`);
				this.bar.render();
			} else this.out.write(`${line}\n`);
		}
	}

	private async poll(): Promise<void> {
		await this.pollFindings().catch(() => undefined);
		const tasks = await this.source();
		const finished = tasks.filter(
			(task) => task.finishedAt !== null && (finishedTaskStatuses as readonly string[]).includes(task.status),
		);
		const count = (status: string) => tasks.filter((task) => task.status === status).length;
		if (this.bar) {
			this.bar.setTotal(tasks.length);
			this.bar.update(finished.length, { passed: count("passed"), failed: count("failed"), running: count("running") });
			return;
		}
		for (const task of finished) {
			if (this.seen.has(task.id)) continue;
			this.seen.add(task.id);
			this.out.write(
				`[${this.seen.size}/${tasks.length}] ${taskLabel(task)} ${taskVerdict(task)} in ${seconds(task.durationMs)}\n`,
			);
		}
	}
}

/** One line per finding for the progress display: severity, title and the tasks concerned. */
export function findingLine(finding: { severity: string; title: string; taskIds: number[] }): string {
	const tasks =
		finding.taskIds.length > 0
			? ` [task${finding.taskIds.length === 1 ? "" : "s"} ${finding.taskIds.slice(0, 6).join(", ")}${finding.taskIds.length > 6 ? ", …" : ""}]`
			: "";
	return `observer: ${finding.severity.toUpperCase()} ${finding.title}${tasks}`;
}
