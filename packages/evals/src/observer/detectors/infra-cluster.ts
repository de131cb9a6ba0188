import type { Finding } from "../finding.js";
import { confidenceFromExcess } from "../robust.js";
import { taskLabel } from "../snapshot.js";
import type { Detector } from "./detector.js";

/*
 * Infra cluster: the same infrastructure failure (a missing toolchain, an agent that does not
 * start) on `infra.minTasks` tasks or more. Every retried attempt counts, so a cluster shows
 * while the controller is still retrying. Failures are compared by their message with paths,
 * numbers and quoted names blanked. Stopping the retries of such a failure is one of the actions
 * `auto` steering takes by itself: each retry would fail the same way.
 */

/** A failure message reduced to what stays the same from task to task. */
export function infraSignature(error: string): string {
	return error
		.replace(/\/[^\s:'"]+/g, "<path>")
		.replace(/\b[0-9a-f]{8,}\b/gi, "<id>")
		.replace(/\d+/g, "#")
		.replace(/\s+/g, " ")
		.trim()
		.slice(0, 300);
}

export const infraCluster: Detector = {
	name: "infra_cluster",
	detect(snapshot, config) {
		const failures = [
			...snapshot.infraFailures,
			// Final verdicts too: a rerun after the fact has no record of the attempts.
			...snapshot.tasks
				.filter((task) => task.failureKind === "infra" && task.error)
				.map((task) => ({ taskId: task.id, attempt: task.attempt, error: task.error ?? "", at: task.finishedAt ?? 0 })),
		];
		const groups = new Map<string, { tasks: Set<number>; attempts: number; sample: string; last: number }>();
		const counted = new Set<string>();
		for (const failure of failures) {
			// An attempt seen live and again as the task's verdict is one failure.
			const attempt = `${failure.taskId}:${failure.attempt}`;
			if (counted.has(attempt)) continue;
			counted.add(attempt);
			const signature = infraSignature(failure.error);
			const group = groups.get(signature) ?? { tasks: new Set(), attempts: 0, sample: failure.error, last: 0 };
			group.tasks.add(failure.taskId);
			group.attempts++;
			group.last = Math.max(group.last, failure.at);
			groups.set(signature, group);
		}
		const findings: Finding[] = [];
		for (const [signature, group] of groups) {
			if (group.tasks.size < config.infra.minTasks) continue;
			const taskIds = [...group.tasks].sort((a, b) => a - b);
			const total = snapshot.tasks.length;
			const running = snapshot.runStatus === "running";
			const labels = taskIds
				.map((id) => snapshot.tasks.find((task) => task.id === id))
				.flatMap((t) => (t ? [taskLabel(t)] : []));
			findings.push({
				detector: "infra_cluster",
				key: `infra_cluster:${signature}`,
				type: "error",
				severity: total > 0 && group.tasks.size * 2 >= total ? "critical" : "error",
				title: `Infra failure on ${group.tasks.size} tasks: ${group.sample.slice(0, 120)}`,
				description: `${group.tasks.size} tasks (of ${total}) failed for the same reason, which is the machine's, not the model's: ${group.sample.slice(0, 500)}`,
				confidence: confidenceFromExcess(group.tasks.size, config.infra.minTasks),
				detectedValue: group.tasks.size,
				expectedValue: 0,
				threshold: config.infra.minTasks,
				unit: "tasks",
				suggestedAction: running
					? "Stop retrying this failure and fix the machine (install the tool, check the agent)."
					: "Fix the machine, then requeue these tasks.",
				taskIds,
				evidence: {
					signature,
					error: group.sample.slice(0, 1000),
					attempts: group.attempts,
					tasks: labels,
					ofTasks: total,
				},
				active: running,
				insight: {
					category: "reliability",
					title: "One infrastructure failure keeps recurring",
					description: `${group.tasks.size} tasks failed with "${group.sample.slice(0, 200)}": their results say nothing about the model, and retries cannot help.`,
					recommendations: [
						"Fix the machine (install the missing toolchain, check that the agent starts), then requeue the failed tasks.",
					],
				},
				recommendation: running
					? {
							type: "stop_infra_retries",
							priority: "high",
							description: `Stop retrying tasks that fail with "${group.sample.slice(0, 160)}".`,
							expectedImpact:
								"Each retry of this failure would fail the same way after a backoff: the run ends sooner, the failures are kept as infra.",
							parameters: { runId: snapshot.runId, signature },
							autoSafe: true,
						}
					: undefined,
			});
		}
		return findings;
	},
};
