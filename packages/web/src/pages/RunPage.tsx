import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, errorMessage } from "../api/client.js";
import { type StreamState, useRunStream } from "../api/stream.js";
import type { ObserverView, RecommendationView, RunSummary, TaskEvent, TaskStatus, TaskSummary } from "../api/types.js";
import { Icon } from "../components/icons.js";
import { McpPanel } from "../components/mcp-panel.js";
import { ObserverPanel, type RecommendationDecision } from "../components/observer-panel.js";
import { ExportMenu, useRunActions } from "../components/run-actions.js";
import { RunOptions } from "../components/run-options.js";
import { type DrawerEvents, type DrawerTab, drawerTabs, TaskDrawer } from "../components/task-drawer.js";
import {
	EmptyState,
	ErrorBanner,
	FailureKindTag,
	Loading,
	PassRate,
	RunStatusBadge,
	TaskStatusIcon,
	ToolChips,
	taskStatusLabel,
	useFeedback,
} from "../components/ui.js";
import { useApi, useDocumentTitle, useNow } from "../hooks.js";
import { elapsedMs, isRunTicking, type RunClock, runEtaMs } from "../lib/eta.js";
import {
	formatCost,
	formatDuration,
	formatFullDate,
	formatPercent,
	formatRelative,
	formatTokens,
	pluralize,
	runTitle,
	splitModel,
} from "../lib/format.js";
import {
	applyTaskEvent,
	canCancelTask,
	canRequeueTask,
	countTasks,
	groupTasks,
	isRunActive,
	taskGroupOrder,
	visibleRows,
} from "../lib/tasks.js";
import { Link, navigate, useSearchParams } from "../router.js";

const streamLabels: Record<StreamState, string> = {
	connecting: "Connecting…",
	connected: "Live",
	reconnecting: "Reconnecting…",
	idle: "Not live",
};

function ConnectionIndicator({ state, finished }: { state: StreamState; finished: boolean }) {
	const label = state === "idle" && finished ? "Finished" : streamLabels[state];
	return (
		<span
			className={`conn conn-${state}`}
			data-testid="connection-indicator"
			data-state={state}
			title={
				state === "connected"
					? "Receiving live updates"
					: state === "idle"
						? "The run is over: nothing more will stream"
						: "Waiting for the event stream; missed events are replayed on reconnect"
			}
		>
			<span className="dot" aria-hidden="true" />
			{label}
		</span>
	);
}

function Stat({
	label,
	value,
	sub,
	testId,
	tone,
}: {
	label: string;
	value: string;
	sub?: string;
	testId: string;
	tone?: string;
}) {
	return (
		<div className={`stat ${tone ? `stat-${tone}` : ""}`}>
			<div className="stat-label">{label}</div>
			<div className="stat-value" data-testid={testId}>
				{value}
			</div>
			{sub && <div className="stat-sub">{sub}</div>}
		</div>
	);
}

function ProgressBar({ run }: { run: RunSummary }) {
	const total = Math.max(run.total, 1);
	const cancelled = Math.max(0, run.total - run.passed - run.failed - run.running - run.pending);
	const parts: [string, number][] = [
		["passed", run.passed],
		["failed", run.failed],
		["cancelled", cancelled],
		["running", run.running],
	];
	return (
		<div
			className="progress"
			role="progressbar"
			aria-valuemin={0}
			aria-valuemax={run.total}
			aria-valuenow={run.total - run.pending - run.running}
			aria-label="Tasks finished"
		>
			{parts.map(([kind, count]) =>
				count > 0 ? (
					<span key={kind} className={`progress-${kind}`} style={{ width: `${(count / total) * 100}%` }} />
				) : null,
			)}
		</div>
	);
}

function StatsBar({
	run,
	tasks,
	clock,
	now,
}: {
	run: RunSummary;
	tasks: TaskSummary[] | undefined;
	clock: RunClock;
	now: number;
}) {
	// Running tasks report tokens live per task; the run's own totals may only move when a task ends.
	const sums = useMemo(() => {
		let tokensIn = 0;
		let tokensOut = 0;
		let cost = 0;
		for (const task of tasks ?? []) {
			tokensIn += task.tokensIn ?? 0;
			tokensOut += task.tokensOut ?? 0;
			cost += task.cost ?? 0;
		}
		return { tokensIn, tokensOut, cost };
	}, [tasks]);
	const tokensIn = Math.max(run.tokensIn ?? 0, sums.tokensIn);
	const tokensOut = Math.max(run.tokensOut ?? 0, sums.tokensOut);
	const cost = Math.max(run.cost ?? 0, sums.cost);
	const remaining = run.running + run.pending;
	const eta = runEtaMs(run, clock, now);
	const ticking = isRunTicking(run);
	return (
		<section className="card stats" data-testid="stats-bar" aria-label="Run statistics">
			<div className="stats-grid">
				<Stat label="Passed" value={String(run.passed)} testId="stat-passed" tone="good" />
				<Stat
					label="Failed"
					value={String(run.failed)}
					testId="stat-failed"
					tone={run.failed > 0 ? "bad" : undefined}
				/>
				<Stat
					label="Remaining"
					value={String(remaining)}
					sub={remaining > 0 ? `${run.running} running · ${run.pending} queued` : `of ${run.total}`}
					testId="stat-remaining"
				/>
				<div className="stat">
					<div className="stat-label">Pass rate</div>
					<div className="stat-value">
						<PassRate rate={run.passRate} testId="stat-pass-rate" />
					</div>
					{run.passRateInterval && (
						<div className="stat-sub" data-testid="stat-pass-rate-interval" title="95% Wilson interval">
							95% CI {formatPercent(run.passRateInterval.low)}–{formatPercent(run.passRateInterval.high)}
						</div>
					)}
				</div>
				<Stat
					label="Tokens"
					value={`${formatTokens(tokensIn)} / ${formatTokens(tokensOut)}`}
					sub="in / out"
					testId="stat-tokens"
				/>
				<Stat label="Cost" value={formatCost(cost)} testId="stat-cost" />
				<Stat
					label="Elapsed"
					value={run.startedAt ? formatDuration(elapsedMs(run, clock, now)) : "not started"}
					testId="stat-elapsed"
				/>
				<Stat
					label="Remaining time"
					value={ticking ? (eta === null ? "estimating…" : `~${formatDuration(eta)}`) : "—"}
					testId="stat-eta"
				/>
			</div>
			<ProgressBar run={run} />
		</section>
	);
}

function TaskRow({
	task,
	now,
	showIteration,
	open,
	onOpen,
	onCancel,
	onRequeue,
}: {
	task: TaskSummary;
	now: number;
	showIteration: boolean;
	open: boolean;
	onOpen: () => void;
	onCancel: () => void;
	onRequeue: () => void;
}) {
	const duration =
		task.status === "running" && task.startedAt
			? Math.max(0, now - new Date(task.startedAt).getTime())
			: task.durationMs;
	return (
		<tr
			data-testid="task-row"
			data-task-id={task.id}
			data-status={task.status}
			className={open ? "selected" : undefined}
		>
			<td className="cell-status" data-label="">
				<TaskStatusIcon status={task.status} />
			</td>
			<td className="cell-primary" data-label="">
				<button type="button" className="link-btn" onClick={onOpen} data-testid="task-open">
					<span className="muted">{task.language}/</span>
					{task.exercise}
				</button>
				{(showIteration || task.attempt > 1) && (
					<span className="subtle">
						{" "}
						{[showIteration ? `#${task.iteration}` : "", task.attempt > 1 ? `attempt ${task.attempt}` : ""]
							.filter(Boolean)
							.join(" · ")}
					</span>
				)}
			</td>
			<td data-label="Result">
				<span className="result-cell">
					<FailureKindTag kind={task.status === "failed" || task.status === "cancelled" ? task.failureKind : null} />
					{task.testsTampered && (
						<span className="tag tag-warn" title="The agent changed the tests; they were restored before grading">
							tests tampered
						</span>
					)}
					{task.status === "passed" && !task.testsTampered && <span className="muted">passed</span>}
					{task.status === "pending" && <span className="muted">queued</span>}
					{task.status === "running" && <span className="muted">working…</span>}
				</span>
			</td>
			<td data-label="Duration" className="num nowrap" title={formatFullDate(task.startedAt)}>
				{formatDuration(duration)}
			</td>
			<td data-label="Tokens" className="num nowrap">
				{task.status === "pending" ? (
					<span className="muted">—</span>
				) : (
					<>
						{formatTokens(task.tokensIn)} <span className="muted">/</span> {formatTokens(task.tokensOut)}
					</>
				)}
			</td>
			<td data-label="Cost" className="num">
				{task.status === "pending" ? <span className="muted">—</span> : formatCost(task.cost)}
			</td>
			<td data-label="Tools" className="cell-tools">
				<ToolChips usage={task.toolUsage} max={2} />
			</td>
			<td className="cell-actions" data-label="">
				<div className="row-actions">
					{canCancelTask(task) && (
						<button type="button" className="btn btn-small btn-subtle" onClick={onCancel} data-testid="task-cancel">
							<Icon name="stop" />
							Cancel
						</button>
					)}
					{canRequeueTask(task) && (
						<button type="button" className="btn btn-small btn-subtle" onClick={onRequeue} data-testid="task-requeue">
							<Icon name="refresh" />
							Requeue
						</button>
					)}
				</div>
			</td>
		</tr>
	);
}

function isTaskStatus(value: string | null): value is TaskStatus {
	return value !== null && (taskGroupOrder as string[]).includes(value);
}

export function RunPage({ id }: { id: number }) {
	const [params, update] = useSearchParams();
	const { notify } = useFeedback();
	const { cancelRun, deleteRun, exportRun } = useRunActions();

	const runQ = useApi(Number.isInteger(id) ? `run:${id}` : null, () => api.getRun(id));
	const tasksQ = useApi(Number.isInteger(id) ? `tasks:${id}` : null, () => api.listAllTasks(id));
	const observerQ = useApi(Number.isInteger(id) ? `observer:${id}` : null, () => api.getObserver(id));
	const [liveRun, setLiveRun] = useState<RunSummary | null>(null);
	const [clock, setClock] = useState<RunClock>({ elapsedMs: 0, etaMs: null, fetchedAt: Date.now() });
	const drawerEvents = useRef<DrawerEvents["current"]>(null) as DrawerEvents;

	// Each fresh GET resets the clock the page extrapolates from, and drops older live totals.
	useEffect(() => {
		if (!runQ.data) return;
		setClock({ elapsedMs: runQ.data.elapsedMs, etaMs: runQ.data.etaMs, fetchedAt: Date.now() });
		setLiveRun(null);
	}, [runQ.data]);

	const run: RunSummary | undefined = runQ.data ? { ...runQ.data.run, ...(liveRun ?? {}) } : undefined;
	const detail = runQ.data?.run;
	const active = isRunActive(run);
	useDocumentTitle(run ? `${runTitle(run)} (${run.status})` : `Run #${id}`);

	// Verdicts carry no failure kind or duration: fetch the rows again, once per burst of events.
	const refetchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
	const reloadTasks = tasksQ.reload;
	const scheduleRefetch = useCallback(() => {
		clearTimeout(refetchTimer.current);
		refetchTimer.current = setTimeout(() => void reloadTasks(), 800);
	}, [reloadTasks]);
	useEffect(() => () => clearTimeout(refetchTimer.current), []);

	// Events can arrive several per render; the ref holds the list as updated so far so none is lost.
	const tasksRef = useRef<TaskSummary[] | undefined>(undefined);
	tasksRef.current = tasksQ.data?.tasks;
	const setTasks = tasksQ.setData;
	const onTaskEvent = useCallback(
		(event: TaskEvent) => {
			const current = tasksRef.current;
			if (current) {
				const effect = applyTaskEvent(current, event, new Date().toISOString());
				if (effect.tasks !== current) {
					tasksRef.current = effect.tasks;
					setTasks((list) => (list ? { ...list, tasks: effect.tasks } : list));
				}
				if (effect.refetch) scheduleRefetch();
			}
			if (
				event.taskId !== undefined &&
				event.taskId === Number(new URLSearchParams(window.location.search).get("task"))
			) {
				drawerEvents.current?.(event);
			}
		},
		[setTasks, scheduleRefetch],
	);

	const reloadRun = runQ.reload;
	const reloadObserver = observerQ.reload;
	const setObserver = observerQ.setData;
	const onRun = useCallback(
		(next: RunSummary) => {
			setLiveRun((previous) => {
				if (previous && previous.status !== next.status) scheduleRefetch();
				return next;
			});
			if (next.status !== "running" && next.status !== "pending") {
				// Final totals and duration come with the run's own record; the observer's summary with its view.
				void reloadRun();
				void reloadObserver();
				scheduleRefetch();
			}
		},
		[reloadRun, reloadObserver, scheduleRefetch],
	);
	const onObserver = useCallback((view: ObserverView) => setObserver(() => view), [setObserver]);
	const onResync = useCallback(() => {
		void reloadRun();
		void reloadTasks();
		void reloadObserver();
	}, [reloadRun, reloadTasks, reloadObserver]);

	const stream = useRunStream(id, active && runQ.data !== undefined, { onTaskEvent, onRun, onObserver, onResync });
	const now = useNow(1000, active);

	const openTaskId = Number(params.get("task")) || null;
	const tabParam = params.get("tab");
	const tab: DrawerTab = drawerTabs.includes(tabParam as DrawerTab) ? (tabParam as DrawerTab) : "transcript";
	const statusParam = params.get("status");
	const statusFilter = isTaskStatus(statusParam) ? statusParam : null;
	const search = params.get("q") ?? "";

	const tasks = tasksQ.data?.tasks;
	const counts = useMemo(() => countTasks(tasks ?? []), [tasks]);
	const groups = useMemo(() => {
		const query = search.trim().toLowerCase();
		const visible = (tasks ?? []).filter(
			(task) =>
				(!statusFilter || task.status === statusFilter) &&
				(!query || `${task.language}/${task.exercise}`.toLowerCase().includes(query)),
		);
		return groupTasks(visible);
	}, [tasks, statusFilter, search]);
	const openTask = tasks?.find((task) => task.id === openTaskId);
	const [expandedGroups, setExpandedGroups] = useState<ReadonlySet<TaskStatus>>(() => new Set());

	const closeDrawer = useCallback(() => update({ task: null, tab: null }), [update]);

	const taskAction = async (task: TaskSummary, action: "cancel" | "requeue") => {
		try {
			if (action === "cancel") await api.cancelTask(task.id);
			else await api.requeueTask(task.id);
			notify(`${action === "cancel" ? "Cancelling" : "Requeued"} ${task.language}/${task.exercise}`, "info");
			void reloadTasks();
			void reloadRun();
		} catch (error) {
			notify(`Could not ${action} ${task.language}/${task.exercise}: ${errorMessage(error)}`, "error");
		}
	};

	const decide = async (recommendation: RecommendationView, decision: RecommendationDecision) => {
		try {
			const updated =
				decision === "apply"
					? await api.applyRecommendation(id, recommendation.id)
					: await api.dismissRecommendation(id, recommendation.id);
			// Shown at once; the stream's next view (or the reload) brings what it changed elsewhere.
			setObserver((view) =>
				view
					? { ...view, recommendations: view.recommendations.map((r) => (r.id === updated.id ? updated : r)) }
					: view,
			);
			notify(
				updated.status === "applied"
					? `Applied: ${updated.outcome ?? updated.type}`
					: updated.status === "failed"
						? `Could not apply ${updated.type}: ${updated.outcome ?? "no reason given"}`
						: `Dismissed ${updated.type}`,
				updated.status === "failed" ? "error" : "info",
			);
		} catch (error) {
			notify(`Could not ${decision} the recommendation: ${errorMessage(error)}`, "error");
		}
		void reloadObserver();
		void reloadRun();
		void reloadTasks();
	};

	const [resumeBudget, setResumeBudget] = useState("");
	const resume = async () => {
		const text = resumeBudget.trim();
		const budgetUsd = text === "" ? undefined : Number(text);
		if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd > 0)) {
			notify("The new budget must be a number of USD above 0", "error");
			return;
		}
		try {
			let { status } = await api.resumeRun(id, budgetUsd === undefined ? {} : { budgetUsd });
			setResumeBudget("");
			// The server starts it in the background; the live stream follows a run only once it has left `paused`.
			for (let tries = 0; status === "paused" && tries < 50; tries++) {
				await new Promise((resolve) => setTimeout(resolve, 200));
				status = (await api.getRun(id)).run.status;
			}
			notify(
				`Resuming run #${id}${budgetUsd === undefined ? "" : ` with a budget of ${formatCost(budgetUsd)}`}`,
				"info",
			);
		} catch (error) {
			notify(`Could not resume run #${id}: ${errorMessage(error)}`, "error");
		}
		void reloadRun();
		void reloadTasks();
	};

	if (!Number.isInteger(id)) return <EmptyState title="Not a run id" />;
	if (runQ.error && !runQ.data) {
		return (
			<div className="stack">
				<div className="crumbs">
					<Link to="/">Runs</Link> / #{id}
				</div>
				<ErrorBanner error={runQ.error} onRetry={() => void runQ.reload()} />
			</div>
		);
	}
	if (!run || !detail) return <Loading />;

	const { modelId } = splitModel(run.model);
	const finished = !active;
	const hasMcp = run.mcpServer !== null;
	const view = hasMcp && params.get("view") === "mcp" ? "mcp" : "tasks";
	return (
		<div className="stack">
			<div className="page-head">
				<div className="page-head-main">
					<div className="crumbs">
						<Link to="/">Runs</Link> / #{run.id}
					</div>
					<div className="title-row">
						<h1 data-testid="run-title">{run.name?.trim() || modelId || run.model}</h1>
						<RunStatusBadge status={run.status} />
						<ConnectionIndicator state={stream} finished={finished} />
					</div>
					<p className="page-sub meta-line">
						<span>
							<span className="muted">model</span> {run.model}
						</span>
						<span data-testid="run-agent">
							<span className="muted">agent</span> {run.agent}{" "}
							<span className="muted">
								({run.agentProcesses === "warm" ? "warm processes, reused" : "a process per task"})
							</span>
						</span>
						<span data-testid="run-sandbox">
							<span className="muted">sandbox</span> {run.sandbox}
						</span>
						{run.mcpServer && (
							<span data-testid="run-mcp">
								<span className="muted">MCP</span> {run.mcpServer}
							</span>
						)}
						{run.arm && (
							<span data-testid="run-arm">
								<span className="muted">arm</span> {run.arm === "baseline" ? "baseline (no MCP)" : run.arm}
							</span>
						)}
						{run.suite && (
							<span>
								<span className="muted">suite</span> {run.suite}
							</span>
						)}
						<span>
							<span className="muted">concurrency</span> {run.concurrency}
						</span>
						<span>
							<span className="muted">timeout</span> {run.timeoutMinutes} min
						</span>
						{run.iterations > 1 && (
							<span>
								<span className="muted">iterations</span> {run.iterations}
							</span>
						)}
						<span title={formatFullDate(run.createdAt)}>
							<span className="muted">created</span> {formatRelative(run.createdAt)}
						</span>
					</p>
					{run.description && <p className="description">{run.description}</p>}
					{detail.userIntent && (
						<p className="description" data-testid="run-user-intent">
							<span className="muted">intent</span> {detail.userIntent}
						</p>
					)}
				</div>
				<div className="page-actions">
					{run.status === "paused" && typeof observerQ.data?.session?.budgetUsd === "number" && (
						// A run paused at its budget would reach it again at once: a person may raise it here.
						<input
							type="number"
							inputMode="decimal"
							min={0}
							step="any"
							className="resume-budget"
							value={resumeBudget}
							placeholder={`budget ${formatCost(observerQ.data.session.budgetUsd)}`}
							aria-label="New budget in USD (empty keeps the current one)"
							onChange={(event) => setResumeBudget(event.target.value)}
							data-testid="resume-budget"
						/>
					)}
					{run.status === "paused" && (
						<button
							type="button"
							className="btn btn-primary"
							onClick={() => void resume()}
							data-testid="resume-run"
							title="Continue the run: its pending tasks start, finished ones stay as they are"
						>
							<Icon name="refresh" />
							Resume run
						</button>
					)}
					{active && (
						<button
							type="button"
							className="btn btn-danger-outline"
							onClick={() => void cancelRun(run, () => void runQ.reload())}
							data-testid="cancel-run"
						>
							<Icon name="stop" />
							Cancel run
						</button>
					)}
					<Link
						to={`/compare?runs=${detail.group.join(",")}`}
						className="btn"
						title={run.groupId !== null ? "Compare this run with the other arm" : "Compare this run with others"}
						data-testid="compare-run"
					>
						<Icon name="compare" />
						Compare
					</Link>
					<ExportMenu
						run={run}
						onExport={(r, format) => void exportRun(r, format)}
						extra={(close) => (
							<button
								type="button"
								className="menu-item"
								disabled={run.failed === 0}
								data-testid="export-failed-logs"
								onClick={() => {
									close();
									api
										.downloadFailedLogs(run.id)
										.catch((error) => notify(`Download failed: ${errorMessage(error)}`, "error"));
								}}
							>
								Failed task logs (zip)
							</button>
						)}
					/>
					{!active && (
						<button
							type="button"
							className="icon-btn icon-btn-danger"
							aria-label="Delete run"
							title="Delete run"
							onClick={() => void deleteRun(run, () => navigate("/"))}
							data-testid="delete-run"
						>
							<Icon name="trash" />
						</button>
					)}
				</div>
			</div>

			<StatsBar run={run} tasks={tasks} clock={clock} now={now} />
			{runQ.data && runQ.data.stats.overall.iterations > 1 && (
				<p className="muted pass-at-k" data-testid="pass-at-k" title="Unbiased pass@k, averaged over exercises">
					{Object.entries(runQ.data.stats.overall.passAtK)
						.map(([k, value]) => `pass@${k} ${formatPercent(value)}`)
						.join(" · ")}
					{runQ.data.stats.overall.standardError !== null &&
						` · SE ${(runQ.data.stats.overall.standardError * 100).toFixed(1)} pp (clustered by exercise)`}
				</p>
			)}

			{runQ.data && <RunOptions run={runQ.data} />}

			{observerQ.data?.session && (
				<ObserverPanel
					view={observerQ.data}
					onOpenTask={(taskId) => update({ task: String(taskId), tab: null }, { replace: false })}
					onDecide={decide}
				/>
			)}

			{hasMcp && (
				<div className="view-tabs" role="tablist" aria-label="Run views">
					{(["tasks", "mcp"] as const).map((name) => (
						<button
							key={name}
							type="button"
							role="tab"
							className="view-tab"
							aria-selected={view === name}
							data-testid={`view-${name}`}
							onClick={() => update({ view: name === "tasks" ? null : name })}
						>
							{name === "tasks" ? "Tasks" : "MCP"}
						</button>
					))}
				</div>
			)}

			{view === "mcp" ? (
				<McpPanel
					runId={run.id}
					refreshKey={`${run.passed}/${run.failed}/${run.running}`}
					onOpenTask={(taskId) => update({ task: String(taskId), tab: null }, { replace: false })}
				/>
			) : (
				<section className="stack-sm" aria-label="Tasks">
					<div className="toolbar">
						<fieldset className="chips">
							<legend className="sr-only">Filter tasks by status</legend>
							<button
								type="button"
								className={statusFilter === null ? "chip active" : "chip"}
								onClick={() => update({ status: null })}
								data-testid="task-filter-all"
							>
								All <span className="chip-count">{counts.total}</span>
							</button>
							{taskGroupOrder.map((status) =>
								counts[status] > 0 || statusFilter === status ? (
									<button
										key={status}
										type="button"
										className={statusFilter === status ? `chip active chip-${status}` : `chip chip-${status}`}
										onClick={() => update({ status: statusFilter === status ? null : status })}
										data-testid={`task-filter-${status}`}
									>
										{taskStatusLabel[status]} <span className="chip-count">{counts[status]}</span>
									</button>
								) : null,
							)}
						</fieldset>
						<input
							type="search"
							className="toolbar-search"
							placeholder="Filter exercises"
							value={search}
							onChange={(event) => update({ q: event.target.value || null })}
							aria-label="Filter exercises"
							data-testid="task-search"
						/>
					</div>

					<ErrorBanner error={tasksQ.error} onRetry={() => void reloadTasks()} />
					{!tasks && tasksQ.loading ? (
						<Loading label="Loading tasks…" />
					) : groups.length === 0 ? (
						<EmptyState title={tasks && tasks.length > 0 ? "No task matches the filter" : "No tasks yet"} />
					) : (
						<div className="card table-card">
							<table className="table rtable task-table" data-testid="task-table">
								<thead>
									<tr>
										<th className="cell-status">
											<span className="sr-only">Status</span>
										</th>
										<th>Exercise</th>
										<th>Result</th>
										<th className="num">Duration</th>
										<th className="num">Tokens in / out</th>
										<th className="num">Cost</th>
										<th>Tools</th>
										<th className="cell-actions">
											<span className="sr-only">Actions</span>
										</th>
									</tr>
								</thead>
								{groups.map((group) => {
									const { shown, hidden } = visibleRows(group.tasks, expandedGroups.has(group.status));
									return (
										<tbody key={group.status} data-testid="task-group" data-status={group.status}>
											<tr className="group-row">
												<th colSpan={8} scope="colgroup">
													<TaskStatusIcon status={group.status} />
													{taskStatusLabel[group.status]}
													<span className="group-count">{pluralize(group.tasks.length, "task")}</span>
												</th>
											</tr>
											{shown.map((task) => (
												<TaskRow
													key={task.id}
													task={task}
													now={now}
													showIteration={run.iterations > 1}
													open={task.id === openTaskId}
													onOpen={() => update({ task: String(task.id), tab: null }, { replace: false })}
													onCancel={() => void taskAction(task, "cancel")}
													onRequeue={() => void taskAction(task, "requeue")}
												/>
											))}
											{hidden > 0 && (
												<tr className="group-more">
													<td colSpan={8}>
														<button
															type="button"
															className="btn"
															onClick={() => setExpandedGroups((previous) => new Set(previous).add(group.status))}
															data-testid="task-group-more"
														>
															Show {pluralize(hidden, "more task")}
														</button>
													</td>
												</tr>
											)}
										</tbody>
									);
								})}
							</table>
						</div>
					)}
				</section>
			)}

			{openTaskId !== null && (
				<TaskDrawer
					key={openTaskId}
					taskId={openTaskId}
					summary={openTask}
					tab={tab}
					onTab={(next) => update({ tab: next === "transcript" ? null : next })}
					onClose={closeDrawer}
					onCancel={(task) => void taskAction(task, "cancel")}
					onRequeue={(task) => void taskAction(task, "requeue")}
					events={drawerEvents}
				/>
			)}
		</div>
	);
}
