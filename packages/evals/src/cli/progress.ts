import type { TaskSummary } from "@agent-evals/types";
import { finishedTaskStatuses } from "@agent-evals/types";
import cliProgress from "cli-progress";
import { seconds, taskLabel, taskVerdict } from "../report/format.js";

const POLL_MS = 500;

/** Where the display reads a run's tasks: the store here, or the API of the server executing it. */
export type TaskSource = () => Promise<TaskSummary[]>;

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

	constructor(
		private readonly source: TaskSource,
		private readonly out: NodeJS.WriteStream = process.stderr,
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

	private async poll(): Promise<void> {
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
