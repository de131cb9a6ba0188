import type { DetectorName, ObserverConfig, ObserverLevel } from "@agent-evals/types";
import { detectorsByLevel } from "@agent-evals/types";
import type { Finding } from "../finding.js";
import type { RunSnapshot } from "../snapshot.js";
import { budget } from "./budget.js";
import type { Detector } from "./detector.js";
import { flakyExercise } from "./flaky-exercise.js";
import { infraCluster } from "./infra-cluster.js";
import { loop } from "./loop.js";
import { mcpLatency } from "./mcp-latency.js";
import { mcpServerDown } from "./mcp-server-down.js";
import { rateLimitStorm } from "./rate-limit-storm.js";
import { runawayTask } from "./runaway-task.js";
import { stuckTask } from "./stuck-task.js";
import { toolErrorRate } from "./tool-error-rate.js";

export type { Detector } from "./detector.js";

/** Every detector, by name. */
export const detectors: Record<DetectorName, Detector> = {
	runaway_task: runawayTask,
	stuck_task: stuckTask,
	loop,
	rate_limit_storm: rateLimitStorm,
	infra_cluster: infraCluster,
	tool_error_rate: toolErrorRate,
	mcp_latency: mcpLatency,
	mcp_server_down: mcpServerDown,
	budget,
	flaky_exercise: flakyExercise,
};

/** The detectors a level runs, less those the config disables. */
export function detectorsFor(level: ObserverLevel, config: ObserverConfig): Detector[] {
	return detectorsByLevel[level].filter((name) => !config.disabled.includes(name)).map((name) => detectors[name]);
}

/** Runs the detectors over one snapshot; findings in detector order. */
export function detect(snapshot: RunSnapshot, chosen: readonly Detector[], config: ObserverConfig): Finding[] {
	return chosen.flatMap((detector) => detector.detect(snapshot, config));
}
