import type { Finding } from "../finding.js";
import { round } from "../robust.js";
import type { RunSnapshot } from "../snapshot.js";
import type { Detector } from "./detector.js";

/*
 * Tool or MCP error rate: one tool failing in `toolErrors.rate` of its calls or more across the
 * run (at least `minCalls` calls), or one MCP server's calls failing that often (from the MCP
 * telemetry tables). MCP calls are judged per server, not as the `use_mcp_tool` tool, so a
 * failing server is reported once. The expected value is the failure rate of everything else.
 */

const MCP_TOOLS = new Set(["use_mcp_tool", "access_mcp_resource"]);

interface Counted {
	subject: string;
	kind: "tool" | "mcp";
	calls: number;
	failures: number;
	taskIds: number[];
}

function toolCounts(snapshot: RunSnapshot): Counted[] {
	const byTool = new Map<string, Counted>();
	for (const task of snapshot.tasks) {
		for (const [tool, usage] of Object.entries(task.toolUsage)) {
			if (MCP_TOOLS.has(tool)) continue;
			const counted = byTool.get(tool) ?? { subject: tool, kind: "tool", calls: 0, failures: 0, taskIds: [] };
			counted.calls += usage.attempts;
			counted.failures += usage.failures;
			if (usage.failures > 0) counted.taskIds.push(task.id);
			byTool.set(tool, counted);
		}
	}
	return [...byTool.values()];
}

function serverCounts(snapshot: RunSnapshot): Counted[] {
	return snapshot.mcp.stats.map((stats) => ({
		subject: stats.server,
		kind: "mcp",
		calls: stats.calls,
		failures: stats.errors,
		taskIds: [
			...new Set(
				snapshot.mcp.calls
					.filter((call) => call.server === stats.server && call.error !== null)
					.map((call) => call.taskId),
			),
		].sort((a, b) => a - b),
	}));
}

export const toolErrorRate: Detector = {
	name: "tool_error_rate",
	detect(snapshot, config) {
		const { rate: limit, minCalls } = config.toolErrors;
		const all = [...toolCounts(snapshot), ...serverCounts(snapshot)];
		const findings: Finding[] = [];
		for (const counted of all) {
			if (counted.calls < minCalls) continue;
			const rate = counted.failures / counted.calls;
			if (rate < limit) continue;
			const rest = all.filter((other) => other !== counted);
			const restCalls = rest.reduce((sum, other) => sum + other.calls, 0);
			const expected = restCalls === 0 ? null : rest.reduce((sum, other) => sum + other.failures, 0) / restCalls;
			const name = counted.kind === "mcp" ? `MCP server ${counted.subject}` : `tool ${counted.subject}`;
			findings.push({
				detector: "tool_error_rate",
				key: `tool_error_rate:${counted.kind}:${counted.subject}`,
				type: "error",
				severity: rate >= 0.9 ? "error" : "warning",
				title: `${name[0]?.toUpperCase()}${name.slice(1)} fails ${Math.round(rate * 100)}% of its calls`,
				description: `${counted.failures} of ${counted.calls} calls to ${name} failed (limit ${Math.round(limit * 100)}% over at least ${minCalls} calls)${expected === null ? "" : `; everything else failed ${Math.round(expected * 100)}% of the time`}.`,
				confidence: Math.min(1, 0.5 + 0.5 * ((rate - limit) / Math.max(limit, 1e-9))) * (1 - 1 / (counted.calls + 1)),
				detectedValue: round(rate, 4),
				expectedValue: expected === null ? null : round(expected, 4),
				threshold: limit,
				unit: "failure rate",
				suggestedAction:
					counted.kind === "mcp"
						? `Check the MCP server ${counted.subject}: its answers are errors more often than not.`
						: `Look at the failures of ${counted.subject} in the tasks' tool errors.`,
				taskIds: counted.taskIds,
				evidence: {
					subject: counted.subject,
					kind: counted.kind,
					calls: counted.calls,
					failures: counted.failures,
					minCalls,
				},
				active: snapshot.runStatus === "running",
				insight: {
					category: "reliability",
					title: `${name[0]?.toUpperCase()}${name.slice(1)} is unreliable`,
					description: `${Math.round(rate * 100)}% of its calls failed: tasks that needed it were judged partly on the tool, not the model.`,
					recommendations:
						counted.kind === "mcp"
							? ["Check the server's configuration and logs; compare with a run without it (--mcp-ab)."]
							: ["Read the tool errors of the affected tasks (evals show --details)."],
				},
			});
		}
		return findings;
	},
};
