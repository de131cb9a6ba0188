import type { Finding } from "../finding.js";
import { confidenceFromExcess, median, round } from "../robust.js";
import type { Detector } from "./detector.js";

/*
 * MCP latency degradation: a server's recent calls (the last third) take `mcpLatency.factor`
 * times longer than its early ones (the first half) and at least `minDeltaMs` more, once it has
 * `minCalls` calls. A call that timed out counts as taking its timeout.
 */

export const mcpLatency: Detector = {
	name: "mcp_latency",
	detect(snapshot, config) {
		const { factor, minCalls, minDeltaMs } = config.mcpLatency;
		const servers = [...new Set(snapshot.mcp.calls.map((call) => call.server))].sort();
		const findings: Finding[] = [];
		for (const server of servers) {
			const calls = snapshot.mcp.calls
				.filter((call) => call.server === server && call.startedAt !== null)
				.map((call) => ({ ...call, ms: call.timedOut ? (call.timeoutMs ?? call.durationMs) : call.durationMs }))
				.filter((call): call is typeof call & { ms: number; startedAt: number } => call.ms !== null)
				.sort((a, b) => a.startedAt - b.startedAt);
			if (calls.length < minCalls) continue;
			const early = calls.slice(0, Math.floor(calls.length / 2));
			const recent = calls.slice(calls.length - Math.max(2, Math.floor(calls.length / 3)));
			const before = median(early.map((call) => call.ms));
			const now = median(recent.map((call) => call.ms));
			const threshold = Math.max(factor * before, before + minDeltaMs);
			if (now < threshold) continue;
			findings.push({
				detector: "mcp_latency",
				key: `mcp_latency:${server}`,
				type: "performance",
				severity: "warning",
				title: `MCP server ${server} slowed down: ${round(now, 0)} ms per call, was ${round(before, 0)} ms`,
				description: `The median of ${server}'s last ${recent.length} calls is ${round(now, 0)} ms, against ${round(before, 0)} ms over its first ${early.length} (threshold ${round(threshold, 0)} ms: ${factor}× and at least ${minDeltaMs} ms more).`,
				confidence: confidenceFromExcess(now, threshold),
				detectedValue: round(now, 1),
				expectedValue: round(before, 1),
				threshold: round(threshold, 1),
				unit: "ms",
				suggestedAction: `Check the MCP server ${server}: its answers take longer and longer.`,
				taskIds: [...new Set(recent.map((call) => call.taskId))].sort((a, b) => a - b),
				evidence: {
					server,
					calls: calls.length,
					earlyCalls: early.length,
					earlyMedianMs: round(before, 1),
					recentCalls: recent.length,
					recentMedianMs: round(now, 1),
					timeouts: recent.filter((call) => call.timedOut).length,
				},
				active: snapshot.runStatus === "running",
				insight: {
					category: "performance",
					title: `${server} is getting slower`,
					description: `Its recent calls take ${round(now / Math.max(before, 1), 1)}× as long as its first ones: task times from here on include the server's slowness.`,
					recommendations: ["Check the server's load and logs; a restart or a smaller payload may help."],
				},
			});
		}
		return findings;
	},
};
