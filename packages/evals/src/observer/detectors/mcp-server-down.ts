import type { Finding } from "../finding.js";
import { confidenceFromExcess } from "../robust.js";
import type { Detector } from "./detector.js";

/*
 * MCP server down: a server's connections failed `mcpDown.minFailures` times with no successful
 * connection since. It is up again once a connection is established. For a run that evaluates
 * that server, stopping the run is recommended (without the server it measures nothing); that is
 * never done without a person.
 */

export const mcpServerDown: Detector = {
	name: "mcp_server_down",
	detect(snapshot, config) {
		const servers = [...new Set(snapshot.mcp.connections.map((event) => event.server))].sort();
		const findings: Finding[] = [];
		for (const server of servers) {
			const events = snapshot.mcp.connections.filter((event) => event.server === server).sort((a, b) => a.at - b.at);
			const lastUp = events.filter((event) => event.type === "established").at(-1)?.at ?? Number.NEGATIVE_INFINITY;
			const failures = events.filter((event) => event.type === "error" && event.at >= lastUp);
			if (failures.length < config.mcpDown.minFailures) continue;
			const everUp = Number.isFinite(lastUp);
			const lastError = failures.at(-1)?.error ?? "(no message)";
			const evaluated = snapshot.mcpServers.includes(server);
			const running = snapshot.runStatus === "running";
			const taskIds = [...new Set(failures.flatMap((event) => (event.taskId === null ? [] : [event.taskId])))].sort(
				(a, b) => a - b,
			);
			findings.push({
				detector: "mcp_server_down",
				key: `mcp_server_down:${server}`,
				type: "error",
				severity: everUp ? "error" : "critical",
				title: `MCP server ${server} is down: ${failures.length} failed connections${everUp ? " since its last" : ", never connected"}`,
				description: `${failures.length} connection attempts to ${server} failed${everUp ? " after it was last connected" : " and none ever succeeded"}; the last error: ${lastError.slice(0, 300)}`,
				confidence: confidenceFromExcess(failures.length, config.mcpDown.minFailures),
				detectedValue: failures.length,
				expectedValue: 0,
				threshold: config.mcpDown.minFailures,
				unit: "failed connections",
				suggestedAction: `Fix the MCP server ${server} (its command, URL or credentials)${evaluated && running ? ", or stop the run: without it, it measures nothing" : ""}.`,
				taskIds,
				evidence: {
					server,
					failures: failures.length,
					everConnected: everUp,
					lastError: lastError.slice(0, 1000),
					firstFailure: new Date(failures[0]?.at ?? 0).toISOString(),
					lastFailure: new Date(failures.at(-1)?.at ?? 0).toISOString(),
				},
				active: true,
				insight: {
					category: "reliability",
					title: `${server} could not be reached`,
					description: `Tasks that were meant to use ${server} ran without it: their results say nothing about the server.`,
					recommendations: [`Start ${server} by hand with its configured command to see why it fails, then run again.`],
				},
				recommendation:
					evaluated && running
						? {
								type: "stop_run",
								priority: "high",
								description: `Stop the run: ${server}, which it evaluates, is down.`,
								expectedImpact: "No more tasks spend time and money measuring an agent without the server under test.",
								parameters: { runId: snapshot.runId, reason: `stopped by the observer: MCP server ${server} is down` },
								autoSafe: false,
							}
						: undefined,
			});
		}
		return findings;
	},
};
