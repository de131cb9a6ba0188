import { useEffect } from "react";
import { api } from "../api/client.js";
import type { RunMcpResponse } from "../api/types.js";
import { useApi } from "../hooks.js";
import { formatBytes, formatDuration, formatPercent } from "../lib/format.js";
import { EmptyState, ErrorBanner, Loading } from "./ui.js";

/**
 * A run's MCP view: per server, how its calls went (count, latency, errors, answer sizes, the
 * tools used most, connections that failed); per task, how many steps and calls it took.
 */
export function McpPanel({
	runId,
	refreshKey,
	onOpenTask,
}: {
	runId: number;
	/** Changes when the run's tasks change, so a live run's numbers follow. */
	refreshKey: string;
	onOpenTask: (taskId: number) => void;
}) {
	const query = useApi(`mcp:${runId}`, () => api.runMcp(runId));
	const { reload } = query;
	// biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is the trigger, not an input
	useEffect(() => {
		void reload();
	}, [refreshKey, reload]);
	if (query.error) return <ErrorBanner error={query.error} onRetry={() => void query.reload()} />;
	if (!query.data) return <Loading label="Loading MCP calls…" />;
	return <McpTables view={query.data} onOpenTask={onOpenTask} />;
}

function McpTables({ view, onOpenTask }: { view: RunMcpResponse; onOpenTask: (taskId: number) => void }) {
	if (view.servers.length === 0 && view.tasks.length === 0) {
		return <EmptyState title="No MCP calls in this run" />;
	}
	return (
		<div className="stack" data-testid="mcp-panel">
			<div className="card table-card">
				<table className="table rtable" data-testid="mcp-servers">
					<caption className="table-caption">MCP servers</caption>
					<thead>
						<tr>
							<th>Server</th>
							<th className="num">Calls</th>
							<th className="num">Error rate</th>
							<th className="num">Timeouts</th>
							<th className="num">p50</th>
							<th className="num">p95</th>
							<th className="num">Answer p50 / max</th>
							<th className="num">Connection failures</th>
							<th>Most used</th>
						</tr>
					</thead>
					<tbody>
						{view.servers.map((server) => (
							<tr key={server.server} data-testid="mcp-server-row" data-server={server.server}>
								<th scope="row">{server.server}</th>
								<td className="num" data-label="Calls">
									{server.calls}
								</td>
								<td className={server.errors > 0 ? "num text-bad" : "num"} data-label="Error rate">
									{server.calls === 0 ? "—" : formatPercent(server.errorRate)}
								</td>
								<td className="num" data-label="Timeouts">
									{server.timeouts}
								</td>
								<td className="num" data-label="p50">
									{formatDuration(server.p50Ms)}
								</td>
								<td className="num" data-label="p95">
									{formatDuration(server.p95Ms)}
								</td>
								<td className="num" data-label="Answer p50 / max">
									{formatBytes(server.responseSizeP50)} / {formatBytes(server.responseSizeMax)}
								</td>
								<td className={server.connectionFailures > 0 ? "num text-bad" : "num"} data-label="Connection failures">
									{server.connectionFailures}
								</td>
								<td data-label="Most used">
									{server.topTools.map((tool) => `${tool.name} ×${tool.calls}`).join(", ") || "—"}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<div className="card table-card">
				<table className="table rtable" data-testid="mcp-tasks">
					<caption className="table-caption">Tasks</caption>
					<thead>
						<tr>
							<th>Exercise</th>
							<th className="num">Steps</th>
							<th className="num">MCP calls</th>
							<th className="num">Errors</th>
							<th>Tests</th>
						</tr>
					</thead>
					<tbody>
						{view.tasks.map((task) => (
							<tr key={task.taskId} data-testid="mcp-task-row">
								<th scope="row">
									<button type="button" className="link-button" onClick={() => onOpenTask(task.taskId)}>
										{task.language}/{task.exercise}
										{task.iteration > 1 ? ` #${task.iteration}` : ""}
									</button>
								</th>
								<td className="num" data-label="Steps">
									{task.steps}
								</td>
								<td className="num" data-label="MCP calls">
									{task.calls}
								</td>
								<td className={task.errors > 0 ? "num text-bad" : "num"} data-label="Errors">
									{task.errors}
								</td>
								<td data-label="Tests">{task.passed === null ? "—" : task.passed ? "passed" : "failed"}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</div>
	);
}
