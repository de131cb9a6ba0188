import type { Run } from "../../db/schema.js";
import type { CliContext } from "../context.js";
import { ProgressDisplay } from "../progress.js";
import { followSignals } from "../run-output.js";

/**
 * Executes a run here with the progress display (unless `quiet`), and turns Ctrl-C into a clean
 * cancel: running agents are stopped, the run is marked cancelled, a second Ctrl-C exits at once.
 */
export async function executeWithProgress(
	ctx: CliContext,
	runId: number,
	options: { total: number; quiet: boolean },
): Promise<Run> {
	const abort = new AbortController();
	const progress = options.quiet
		? undefined
		: new ProgressDisplay(async () => (await ctx.store.tasks.summaries(runId)).tasks);
	return followSignals(
		() => {
			void ctx.controller.cancel(runId).catch(() => undefined);
			abort.abort();
		},
		async () => {
			progress?.start(options.total);
			try {
				return await ctx.controller.execute(runId, { signal: abort.signal });
			} finally {
				await progress?.stop();
			}
		},
	);
}
