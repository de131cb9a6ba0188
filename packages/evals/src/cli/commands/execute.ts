import type { Run } from "../../db/schema.js";
import type { CliContext } from "../context.js";
import { ProgressDisplay } from "../progress.js";
import { followSignals } from "../run-output.js";

/**
 * Executes runs here (one, or a group such as an MCP A/B, interleaved) with the progress display
 * (unless `quiet`), and turns Ctrl-C into a clean cancel: running agents are stopped, the runs
 * are marked cancelled, a second Ctrl-C exits at once.
 */
export async function executeWithProgress(
	ctx: CliContext,
	runIds: number[],
	options: { total: number; quiet: boolean },
): Promise<Run[]> {
	const abort = new AbortController();
	const progress = options.quiet
		? undefined
		: new ProgressDisplay(
				async () => (await Promise.all(runIds.map(async (id) => (await ctx.store.tasks.summaries(id)).tasks))).flat(),
				process.stderr,
				async (afterId) =>
					(await Promise.all(runIds.map((id) => ctx.store.observer.anomaliesAfter(id, afterId))))
						.flat()
						.sort((a, b) => a.id - b.id),
			);
	return followSignals(
		() => {
			for (const id of runIds) void ctx.controller.cancel(id).catch(() => undefined);
			abort.abort();
		},
		async () => {
			progress?.start(options.total);
			try {
				return await ctx.controller.executeGroup(runIds, { signal: abort.signal });
			} finally {
				await progress?.stop();
			}
		},
	);
}
