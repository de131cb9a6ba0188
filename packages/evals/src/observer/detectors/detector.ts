import type { DetectorName, ObserverConfig } from "@agent-evals/types";
import type { Finding } from "../finding.js";
import type { RunSnapshot } from "../snapshot.js";

/**
 * One detector: a pure function of a run snapshot and the thresholds. No I/O, no clock of its
 * own (the snapshot's `now` is the time), so each can be tested with a table of snapshots.
 */
export interface Detector {
	name: DetectorName;
	detect(snapshot: RunSnapshot, config: ObserverConfig): Finding[];
}
