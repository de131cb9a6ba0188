import type { Finding } from "../finding.js";
import { confidenceFromExcess, round } from "../robust.js";
import type { Detector } from "./detector.js";

/*
 * Rate-limit storm: model requests retried after a rate limit (HTTP 429, "rate limit", "too
 * many requests", Roo Code's rate-limit wait) on several tasks at once. Retries closer than
 * `rateLimit.windowSeconds` to the one before belong to one storm; a storm counts with at least
 * `minEvents` retries from `minTasks` tasks. It is over once a window passes without one.
 * Lowering the concurrency is one of the actions `auto` steering takes by itself.
 */

export interface Storm {
	events: Array<{ taskId: number; at: number; text: string }>;
	tasks: number[];
	first: number;
	last: number;
}

/** Rate-limited retries grouped into storms (chains of retries within the window of each other). */
export function storms(retries: Array<{ taskId: number; at: number; text: string }>, windowMs: number): Storm[] {
	const sorted = [...retries].sort((a, b) => a.at - b.at || a.taskId - b.taskId);
	const out: Storm[] = [];
	let current: Storm | undefined;
	for (const retry of sorted) {
		if (!current || retry.at - current.last > windowMs) {
			current = { events: [], tasks: [], first: retry.at, last: retry.at };
			out.push(current);
		}
		current.events.push(retry);
		current.last = retry.at;
		if (!current.tasks.includes(retry.taskId)) current.tasks.push(retry.taskId);
	}
	return out;
}

export const rateLimitStorm: Detector = {
	name: "rate_limit_storm",
	detect(snapshot, config) {
		const { windowSeconds, minEvents, minTasks } = config.rateLimit;
		const retries = snapshot.tasks.flatMap((task) =>
			task.retries
				.filter((retry) => retry.rateLimited)
				.map((retry) => ({ taskId: task.id, at: retry.at, text: retry.text })),
		);
		const findings: Finding[] = [];
		for (const storm of storms(retries, windowSeconds * 1000)) {
			if (storm.events.length < minEvents || storm.tasks.length < minTasks) continue;
			const active = snapshot.now - storm.last <= windowSeconds * 1000 && snapshot.runStatus === "running";
			const lower = Math.max(1, Math.floor(snapshot.concurrency / 2));
			const spanSeconds = round((storm.last - storm.first) / 1000, 1);
			const first = storm.events[0];
			findings.push({
				detector: "rate_limit_storm",
				key: `rate_limit_storm:${storm.first}:${first?.taskId ?? 0}`,
				type: "error",
				severity: storm.events.length >= 2 * minEvents && storm.tasks.length >= 3 ? "error" : "warning",
				title: `Rate-limit storm: ${storm.events.length} retries across ${storm.tasks.length} tasks in ${spanSeconds} s`,
				description: `The provider refused requests for being too many: ${storm.events.length} rate-limited retries from ${storm.tasks.length} tasks (limits: ${minEvents} retries from ${minTasks} tasks within ${windowSeconds} s of each other), at concurrency ${snapshot.concurrency}.`,
				confidence: confidenceFromExcess(storm.events.length, minEvents),
				detectedValue: storm.events.length,
				expectedValue: 0,
				threshold: minEvents,
				unit: "retries",
				suggestedAction:
					active && snapshot.concurrency > 1 ? `Lower the concurrency from ${snapshot.concurrency} to ${lower}.` : null,
				taskIds: storm.tasks,
				evidence: {
					retries: storm.events.length,
					tasks: storm.tasks,
					from: new Date(storm.first).toISOString(),
					to: new Date(storm.last).toISOString(),
					windowSeconds,
					concurrency: snapshot.concurrency,
					samples: storm.events.slice(0, 3).map((event) => ({ taskId: event.taskId, text: event.text.slice(0, 300) })),
				},
				active,
				insight: {
					category: "reliability",
					title: "The provider is rate-limiting the run",
					description: `${storm.events.length} requests were retried after a rate limit within ${spanSeconds} s: tasks wait instead of working, and their times are inflated.`,
					recommendations: [
						"Run at a lower concurrency, or ask the provider for a higher rate limit.",
						"Task durations from this period include waiting for the provider.",
					],
				},
				recommendation:
					active && snapshot.concurrency > 1
						? {
								type: "adjust_concurrency",
								priority: "high",
								description: `Lower the concurrency from ${snapshot.concurrency} to ${lower} while the provider rate-limits.`,
								expectedImpact: `About half as many requests at once: fewer refusals and retries; running tasks finish, fewer start.`,
								parameters: { runId: snapshot.runId, from: snapshot.concurrency, to: lower },
								autoSafe: true,
							}
						: undefined,
			});
		}
		return findings;
	},
};
