import type { Run } from "../../db/schema.js";
import type { CliContext } from "../context.js";
import type { ProgressDisplay } from "../progress.js";

/**
 * Executes a run with the progress display, and turns Ctrl-C into a clean cancel: running
 * agents are stopped, the run is marked cancelled, and a second Ctrl-C exits at once.
 */
export async function executeWithProgress(
	ctx: CliContext,
	runId: number,
	progress: ProgressDisplay | undefined,
	total: number,
): Promise<Run> {
	const abort = new AbortController();
	let interrupts = 0;
	const onSignal = () => {
		interrupts++;
		if (interrupts > 1) process.exit(130);
		process.stderr.write("\nCancelling the run (Ctrl-C again to quit at once)…\n");
		void ctx.controller.cancel(runId).catch(() => undefined);
		abort.abort();
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	progress?.start(total);
	try {
		return await ctx.controller.execute(runId, { signal: abort.signal });
	} finally {
		await progress?.stop();
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
	}
}
