import { useEffect, useRef, useState } from "react";
import { api } from "../api/client.js";
import {
	type Health,
	type PhaseTimings,
	type TaskDetail,
	type TaskEvent,
	type TaskSummary,
	traceLink,
} from "../api/types.js";
import { useApi, useNow } from "../hooks.js";
import { parseUnifiedDiff } from "../lib/diff.js";
import { formatCost, formatDuration, formatFullDate, formatTokens } from "../lib/format.js";
import { canCancelTask, canRequeueTask, taskLabel } from "../lib/tasks.js";
import { upsertMessage } from "../lib/transcript.js";
import { Icon } from "./icons.js";
import { DiffView, Transcript } from "./transcript.js";
import { EmptyState, ErrorBanner, FailureKindTag, Loading, TaskStatusIcon, taskStatusLabel } from "./ui.js";

export type DrawerTab = "transcript" | "tests" | "diff" | "errors";
export const drawerTabs: DrawerTab[] = ["transcript", "tests", "diff", "errors"];

const phaseLabels: [keyof PhaseTimings, string][] = [
	["workspaceMs", "Workspace"],
	["agentStartMs", "Agent start"],
	["agentMs", "Agent"],
	["gradeMs", "Grading"],
];

function Phases({ timings }: { timings: PhaseTimings | null | undefined }) {
	if (!timings) return null;
	const phases = phaseLabels
		.map(([key, label]) => ({ key, label, ms: timings[key] ?? null }))
		.filter(
			(phase): phase is { key: keyof PhaseTimings; label: string; ms: number } => phase.ms !== null && phase.ms > 0,
		);
	const total = phases.reduce((sum, phase) => sum + phase.ms, 0);
	if (total === 0) return null;
	return (
		<div className="phases" data-testid="drawer-phases">
			<div className="phase-bar" aria-hidden="true">
				{phases.map((phase) => (
					<span key={phase.key} className={`phase phase-${phase.key}`} style={{ flexGrow: phase.ms }} />
				))}
			</div>
			<ul className="phase-legend">
				{phases.map((phase) => (
					<li key={phase.key}>
						<span className={`swatch phase-${phase.key}`} aria-hidden="true" />
						{phase.label} <strong>{formatDuration(phase.ms)}</strong>
					</li>
				))}
			</ul>
		</div>
	);
}

/** The task's trace id, linked to the trace viewer when the server names one (EVALS_TRACE_URL). */
function TraceId({ traceId, template }: { traceId: string; template: string | undefined }) {
	const link = traceLink(template, traceId);
	const id = <code className="trace-id">{traceId}</code>;
	return (
		<span data-testid="drawer-trace" data-trace-id={traceId}>
			trace{" "}
			{link ? (
				<a href={link} target="_blank" rel="noreferrer" title="Open the trace">
					{id}
				</a>
			) : (
				id
			)}
		</span>
	);
}

export interface DrawerEvents {
	/** The run page forwards this task's live events here. */
	current: ((event: TaskEvent) => void) | null;
}

export function TaskDrawer({
	taskId,
	summary,
	tab,
	onTab,
	onClose,
	onCancel,
	onRequeue,
	events,
}: {
	taskId: number;
	/** The row from the run page, live from SSE; shown until the detail loads and kept in sync. */
	summary: TaskSummary | undefined;
	tab: DrawerTab;
	onTab: (tab: DrawerTab) => void;
	onClose: () => void;
	onCancel: (task: TaskSummary) => void;
	onRequeue: (task: TaskSummary) => void;
	events: DrawerEvents;
}) {
	const detail = useApi<TaskDetail>(`task:${taskId}`, () => api.getTask(taskId));
	const health = useApi<Health>("health", () => api.health());
	const panelRef = useRef<HTMLDivElement>(null);
	const bodyRef = useRef<HTMLDivElement>(null);
	const pinned = useRef(true);
	const [lastVerdict, setLastVerdict] = useState<string | null>(null);

	// Messages stream into the open transcript; a verdict brings test output and the diff.
	useEffect(() => {
		events.current = (event) => {
			if (event.eventName === "message") {
				const payload = event.payload[0];
				detail.setData((current) =>
					current ? { ...current, messages: upsertMessage(current.messages, payload.message) } : current,
				);
			} else if (
				event.eventName === "evalPass" ||
				event.eventName === "evalFail" ||
				event.eventName === "taskAborted"
			) {
				setLastVerdict(`${event.eventName}:${Date.now()}`);
			}
		};
		return () => {
			events.current = null;
		};
	}, [events, detail.setData]);

	const reloadDetail = detail.reload;
	useEffect(() => {
		if (lastVerdict === null) return;
		// Grading results land in the store just after the verdict event.
		const timer = setTimeout(() => void reloadDetail(), 600);
		return () => clearTimeout(timer);
	}, [lastVerdict, reloadDetail]);

	useEffect(() => {
		panelRef.current?.focus();
		const onKey = (event: KeyboardEvent) => {
			if (event.key === "Escape" && !document.querySelector("dialog[open]")) onClose();
		};
		document.addEventListener("keydown", onKey);
		return () => document.removeEventListener("keydown", onKey);
	}, [onClose]);

	const task: TaskSummary | undefined = summary ?? detail.data;
	const data = detail.data;
	const running = task?.status === "running";
	const now = useNow(1000, running);
	const messageCount = data?.messages.length ?? 0;

	// Follow the live transcript unless the reader scrolled up.
	useEffect(() => {
		const body = bodyRef.current;
		if (body && running && tab === "transcript" && pinned.current && messageCount > 0)
			body.scrollTop = body.scrollHeight;
	}, [messageCount, running, tab]);

	const diffStats = data?.workspaceDiff ? parseUnifiedDiff(data.workspaceDiff) : null;
	const liveDuration =
		running && task?.startedAt ? Math.max(0, now - new Date(task.startedAt).getTime()) : (task?.durationMs ?? null);

	const tabLabels: Record<DrawerTab, string> = {
		transcript: `Transcript${data ? ` (${messageCount})` : ""}`,
		tests: "Test output",
		diff: diffStats ? `Diff +${diffStats.additions} −${diffStats.deletions}` : "Diff",
		errors: `Tool errors${data ? ` (${data.toolErrors.length})` : ""}`,
	};

	return (
		<div className="drawer-root">
			<button
				type="button"
				className="drawer-backdrop"
				aria-label="Close task details"
				onClick={onClose}
				tabIndex={-1}
			/>
			<div
				className="drawer"
				role="dialog"
				aria-modal="true"
				aria-labelledby="drawer-title"
				ref={panelRef}
				tabIndex={-1}
				data-testid="task-drawer"
				data-task-id={taskId}
				data-status={task?.status}
			>
				<header className="drawer-head">
					<div className="drawer-title-row">
						{task && <TaskStatusIcon status={task.status} />}
						<h2 id="drawer-title">{task ? taskLabel(task) : `Task #${taskId}`}</h2>
						<button type="button" className="icon-btn" onClick={onClose} aria-label="Close" data-testid="drawer-close">
							<Icon name="close" size={18} />
						</button>
					</div>
					{task && (
						<div className="drawer-meta" data-testid="drawer-summary">
							<span className={`status-text status-text-${task.status}`}>{taskStatusLabel[task.status]}</span>
							<FailureKindTag kind={task.failureKind} />
							{task.testsTampered && (
								<span className="tag tag-warn" title="The agent changed the tests; they were restored before grading">
									tests tampered
								</span>
							)}
							<span>#{task.id}</span>
							<span>iteration {task.iteration}</span>
							{task.attempt > 1 && <span>attempt {task.attempt}</span>}
							<span title={formatFullDate(task.startedAt)}>{formatDuration(liveDuration)}</span>
							<span>
								{formatTokens(task.tokensIn)} in · {formatTokens(task.tokensOut)} out
							</span>
							<span>{formatCost(task.cost)}</span>
							{task.traceId && <TraceId traceId={task.traceId} template={health.data?.traceUrl} />}
							<span className="drawer-actions">
								{canCancelTask(task) && (
									<button
										type="button"
										className="btn btn-small"
										onClick={() => onCancel(task)}
										data-testid="drawer-cancel"
									>
										<Icon name="stop" />
										Cancel
									</button>
								)}
								{canRequeueTask(task) && (
									<button
										type="button"
										className="btn btn-small"
										onClick={() => onRequeue(task)}
										data-testid="drawer-requeue"
									>
										<Icon name="refresh" />
										Requeue
									</button>
								)}
							</span>
						</div>
					)}
					{task?.error && (
						<div className="banner banner-error compact" data-testid="drawer-error">
							<Icon name="warning" />
							<span className="pre-wrap">{task.error}</span>
						</div>
					)}
					<Phases timings={data?.phaseTimings} />
					<div className="tabs" role="tablist">
						{drawerTabs.map((name) => (
							<button
								key={name}
								type="button"
								role="tab"
								aria-selected={tab === name}
								className={tab === name ? "tab active" : "tab"}
								onClick={() => onTab(name)}
								data-testid={`drawer-tab-${name}`}
							>
								{tabLabels[name]}
							</button>
						))}
					</div>
				</header>
				<div
					className="drawer-body"
					ref={bodyRef}
					onScroll={(event) => {
						const el = event.currentTarget;
						pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
					}}
				>
					<ErrorBanner error={detail.error} onRetry={() => void detail.reload()} />
					{!data && detail.loading ? (
						<Loading />
					) : data ? (
						<>
							{tab === "transcript" && (
								<section data-testid="drawer-transcript" aria-label="Transcript">
									<Transcript messages={data.messages} mcpCalls={data.mcpCalls} />
								</section>
							)}
							{tab === "tests" && (
								<section data-testid="drawer-test-output" aria-label="Test output">
									{data.testOutput?.trim() ? (
										<pre className="code terminal">{data.testOutput}</pre>
									) : (
										<EmptyState title={running || task?.status === "pending" ? "Not graded yet" : "No test output"} />
									)}
								</section>
							)}
							{tab === "diff" && (
								<section data-testid="drawer-diff" aria-label="Workspace diff">
									<DiffView diff={data.workspaceDiff} />
								</section>
							)}
							{tab === "errors" && (
								<section data-testid="drawer-tool-errors" aria-label="Tool errors">
									{data.toolErrors.length === 0 ? (
										<EmptyState title="No tool errors" />
									) : (
										<ul className="tool-errors">
											{data.toolErrors.map((toolError, index) => (
												// biome-ignore lint/suspicious/noArrayIndexKey: errors are an append-only list without ids
												<li key={index}>
													<div className="tool-error-head">
														<code>{toolError.toolName}</code>
														<span className="muted">{formatFullDate(toolError.createdAt)}</span>
													</div>
													<pre className="code">{toolError.error}</pre>
												</li>
											))}
										</ul>
									)}
								</section>
							)}
						</>
					) : null}
				</div>
			</div>
		</div>
	);
}
