import type { Finding } from "../finding.js";
import { confidenceFromExcess, escalate } from "../robust.js";
import { type ObservedTask, taskLabel } from "../snapshot.js";
import type { Detector } from "./detector.js";

/*
 * Loop: the agent makes the same tool call with the same arguments `loop.repeats` times in one
 * attempt, or reports the same error `loop.errorRepeats` times. Calls are compared by the
 * transcript's text of the request (tool and arguments); errors with their numbers blanked, so
 * "line 12" and "line 13" count as one.
 */

const SHOWN = 200;

/** An error message with numbers blanked and whitespace folded, so near-copies match. */
export function errorShape(text: string): string {
	return text.replace(/\d+/g, "#").replace(/\s+/g, " ").trim().slice(0, 500);
}

interface Repeat {
	kind: "call" | "error";
	what: string;
	count: number;
	limit: number;
	first: number;
	last: number;
}

function mostRepeated(items: Array<{ key: string; at: number }>, kind: Repeat["kind"], limit: number): Repeat | null {
	const counts = new Map<string, Repeat>();
	for (const { key, at } of items) {
		const seen = counts.get(key);
		if (seen) {
			seen.count++;
			seen.last = at;
		} else counts.set(key, { kind, what: key, count: 1, limit, first: at, last: at });
	}
	let best: Repeat | null = null;
	for (const repeat of counts.values()) if (!best || repeat.count > best.count) best = repeat;
	return best && best.count >= limit ? best : null;
}

export function loopsOf(task: ObservedTask, repeats: number, errorRepeats: number): Repeat[] {
	const since = task.startedAt ?? 0;
	const calls = task.calls.filter((c) => c.at >= since).map((c) => ({ key: c.signature, at: c.at }));
	const errors = task.errors.filter((e) => e.at >= since).map((e) => ({ key: errorShape(e.text), at: e.at }));
	return [mostRepeated(calls, "call", repeats), mostRepeated(errors, "error", errorRepeats)].filter(
		(repeat): repeat is Repeat => repeat !== null,
	);
}

export const loop: Detector = {
	name: "loop",
	detect(snapshot, config) {
		const findings: Finding[] = [];
		for (const task of snapshot.tasks) {
			if (task.startedAt === null) continue;
			const repeats = loopsOf(task, config.loop.repeats, config.loop.errorRepeats);
			const worst = repeats.sort((a, b) => b.count / b.limit - a.count / a.limit)[0];
			if (!worst) continue;
			const running = task.status === "running";
			const label = taskLabel(task);
			const what = worst.kind === "call" ? "the same tool call" : "the same error";
			findings.push({
				detector: "loop",
				key: `loop:${task.id}`,
				type: "pattern",
				severity: escalate(worst.count, worst.limit, "warning", "error"),
				title: `Loop in ${label}: ${what} ${worst.count} times`,
				description: `Task ${task.id} (${label}) ${worst.kind === "call" ? "made" : "reported"} ${what} ${worst.count} times (limit ${worst.limit}): ${worst.what.slice(0, SHOWN)}`,
				confidence: confidenceFromExcess(worst.count, worst.limit),
				detectedValue: worst.count,
				expectedValue: 1,
				threshold: worst.limit,
				unit: worst.kind === "call" ? "calls" : "errors",
				suggestedAction: running ? "Cancel the task: repeating itself, the agent is unlikely to get further." : null,
				taskIds: [task.id],
				evidence: {
					task: label,
					repeats: repeats.map((repeat) => ({
						kind: repeat.kind,
						what: repeat.what.slice(0, 1000),
						count: repeat.count,
						limit: repeat.limit,
						first: new Date(repeat.first).toISOString(),
						last: new Date(repeat.last).toISOString(),
					})),
				},
				active: running,
				insight: {
					category: "efficiency",
					title: `The agent repeats itself in ${label}`,
					description: `${what[0]?.toUpperCase()}${what.slice(1)} came ${worst.count} times in one attempt: tokens spent without progress.`,
					recommendations: [
						"Look at the transcript around the repeated call: the tool's answer may not tell the model what it needs.",
						"A lower consecutive-mistake limit or request limit stops such tasks earlier.",
					],
				},
				recommendation: running
					? {
							type: "cancel_task",
							priority: "medium",
							description: `Cancel task ${task.id} (${label}), which repeats ${what}.`,
							expectedImpact: "Stops the tokens a looping agent spends; the task ends as cancelled, with this reason.",
							parameters: { taskId: task.id, reason: `cancelled by the observer: loop (${what} ${worst.count} times)` },
							autoSafe: false,
						}
					: undefined,
			});
		}
		return findings;
	},
};
