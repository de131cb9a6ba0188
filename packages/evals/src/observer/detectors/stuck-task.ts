import type { Finding } from "../finding.js";
import { confidenceFromExcess, escalate, round } from "../robust.js";
import { type ObservedTask, taskLabel } from "../snapshot.js";
import type { Detector } from "./detector.js";

/*
 * Stuck task: an agent that has not been heard from for `stuck.seconds` while it works. The
 * silence is measured over the agent's part of the task only: from the attempt's start to the
 * agent's completion (grading, which follows, is quiet by nature and has its own time limits),
 * or to now while it still works. A finished run is judged by the longest silence each task
 * had, so a rerun finds the stalls the live observer saw.
 */

export interface Silence {
	/** Longest gap, ms, and when it began. */
	longestMs: number;
	from: number;
	/** The gap is still open: the agent is working and silent right now. */
	open: boolean;
}

/** The longest stretch without an agent event in the task's agent phase; null before it starts. */
export function longestSilence(task: ObservedTask, now: number): Silence | null {
	if (task.startedAt === null || task.failureKind === "infra") return null;
	const working = task.status === "running" && task.agentEndedAt === null;
	const end = task.agentEndedAt ?? (working ? now : (task.finishedAt ?? now) - (task.gradeMs ?? 0));
	let last = task.startedAt;
	let longest: Silence = { longestMs: 0, from: last, open: false };
	for (const at of task.eventTimes) {
		if (at < task.startedAt || at > end) continue;
		if (at - last > longest.longestMs) longest = { longestMs: at - last, from: last, open: false };
		last = Math.max(last, at);
	}
	if (end - last > longest.longestMs) longest = { longestMs: end - last, from: last, open: working };
	return longest;
}

export const stuckTask: Detector = {
	name: "stuck_task",
	detect(snapshot, config) {
		const limitMs = config.stuck.seconds * 1000;
		const findings: Finding[] = [];
		for (const task of snapshot.tasks) {
			const silence = longestSilence(task, snapshot.now);
			if (!silence || silence.longestMs < limitMs) continue;
			const seconds = silence.longestMs / 1000;
			const label = taskLabel(task);
			findings.push({
				detector: "stuck_task",
				key: `stuck_task:${task.id}`,
				type: "performance",
				severity: escalate(seconds, config.stuck.seconds, "warning", "error"),
				title: `Stuck task ${label}: no agent event for ${round(seconds, 0)} s`,
				description: silence.open
					? `The agent of task ${task.id} (${label}) has said nothing for ${round(seconds, 0)} s (limit ${config.stuck.seconds} s) while working.`
					: `The agent of task ${task.id} (${label}) was silent for ${round(seconds, 0)} s (limit ${config.stuck.seconds} s) before it went on.`,
				confidence: confidenceFromExcess(seconds, config.stuck.seconds),
				detectedValue: round(seconds, 1),
				expectedValue: null,
				threshold: config.stuck.seconds,
				unit: "s",
				suggestedAction: silence.open ? "Restart the task: cancel this attempt and run it again." : null,
				taskIds: [task.id],
				evidence: {
					task: label,
					silentSince: new Date(silence.from).toISOString(),
					silentSeconds: round(seconds, 1),
					limitSeconds: config.stuck.seconds,
					events: task.eventTimes.length,
					stillSilent: silence.open,
				},
				active: silence.open,
				recommendation: silence.open
					? {
							type: "requeue_task",
							priority: "medium",
							description: `Restart task ${task.id} (${label}): cancel the silent attempt and run it again.`,
							expectedImpact: "Frees the slot held by a silent agent; the task gets a fresh attempt.",
							parameters: { taskId: task.id, restart: true },
							autoSafe: false,
						}
					: undefined,
			});
		}
		return findings;
	},
};
