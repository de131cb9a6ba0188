import type { RunMcpResponse } from "@agent-evals/types";
import { bytes, ms, percent, table, taskLabel } from "./format.js";

/** `evals show <id> --mcp`: how the run used its MCP servers, per server and per task. */
export function mcpReportText(view: RunMcpResponse): string {
	if (view.servers.length === 0 && view.tasks.length === 0) return "No MCP activity in this run.";
	const servers = table(
		["server", "calls", "errors", "timeouts", "p50", "p95", "size p50", "size max", "conn. failures", "top tools"],
		view.servers.map((s) => [
			s.server,
			String(s.calls),
			`${s.errors} (${s.calls === 0 ? "-" : percent(s.errors, s.calls - s.errors)})`,
			String(s.timeouts),
			ms(s.p50Ms),
			ms(s.p95Ms),
			bytes(s.responseSizeP50),
			bytes(s.responseSizeMax),
			String(s.connectionFailures),
			s.topTools.map((tool) => `${tool.name} ×${tool.calls}`).join(", "),
		]),
	);
	const tasks = table(
		["task", "steps", "MCP calls", "errors", "tests"],
		view.tasks.map((task) => [
			taskLabel(task),
			String(task.steps),
			String(task.calls),
			String(task.errors),
			task.passed === null ? "-" : task.passed ? "passed" : "failed",
		]),
	);
	return ["MCP servers", "", servers, "", "Tasks", "", tasks].join("\n");
}
