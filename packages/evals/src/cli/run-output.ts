import type { RunReport } from "@agent-evals/types";

/*
 * What `evals run` and `evals resume` share whether the run executes here or on a server:
 * Ctrl-C handling while following it, and how the result is printed.
 */

/**
 * Runs `work` with Ctrl-C (and SIGTERM) turned into a clean cancel: the first signal calls
 * `cancel` and lets the work finish as cancelled, a second one exits at once.
 */
export async function followSignals<T>(cancel: () => void, work: () => Promise<T>): Promise<T> {
	let interrupts = 0;
	const onSignal = () => {
		interrupts++;
		if (interrupts > 1) process.exit(130);
		process.stderr.write("\nCancelling the run (Ctrl-C again to quit at once)…\n");
		cancel();
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	try {
		return await work();
	} finally {
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
	}
}

export type ReportOutput =
	/** One run's report, or a group's as `{"runs": [...]}` (an MCP A/B). */
	| { json: RunReport | { runs: RunReport[] } }
	| {
			text: string;
			runId: number;
			/** Where the dashboard is, or how to start it. */
			dashboard: string;
	  };

export function printReport(output: ReportOutput): void {
	if ("json" in output) {
		process.stdout.write(`${JSON.stringify(output.json, null, 2)}\n`);
		return;
	}
	process.stdout.write(`${output.text}\n\n`);
	process.stdout.write(`Details: npm run evals -- show ${output.runId}   ·   all runs: npm run evals -- runs\n`);
	process.stdout.write(`Dashboard: ${output.dashboard}\n`);
}

/** The hint printed when no server is running. */
export const START_DASHBOARD = "npm run evals -- serve, then open http://127.0.0.1:3446";
