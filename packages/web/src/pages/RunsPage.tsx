import { useEffect, useRef, useState } from "react";
import { api } from "../api/client.js";
import { type RunSortKey, type RunSummary, runStatuses } from "../api/types.js";
import { Icon } from "../components/icons.js";
import { RunRowActions } from "../components/run-actions.js";
import { EmptyState, ErrorBanner, Loading, PassRate, RunStatusBadge, ToolChips } from "../components/ui.js";
import { useApi, useDebounced, useDocumentTitle, useInterval, useNow } from "../hooks.js";
import { formatCost, formatDuration, formatFullDate, formatRelative, formatTokens, splitModel } from "../lib/format.js";
import { providerChoices } from "../lib/run-form.js";
import { nextSort, PAGE_SIZE, parseRunsView, type RunsView, runsViewToQuery } from "../lib/runs-query.js";
import { isRunActive } from "../lib/tasks.js";
import { Link, navigate, useSearchParams } from "../router.js";

const sortLabels: Record<RunSortKey, string> = {
	created: "Created",
	passRate: "Pass rate",
	cost: "Cost",
	duration: "Duration",
	model: "Model",
};

function SortHeader({
	view,
	sortKey,
	children,
	onSort,
	className,
}: {
	view: RunsView;
	sortKey: RunSortKey;
	children: string;
	onSort: (key: RunSortKey) => void;
	className?: string;
}) {
	const active = view.sort === sortKey;
	return (
		<th className={className} aria-sort={active ? (view.order === "asc" ? "ascending" : "descending") : "none"}>
			<button type="button" className="sort-btn" onClick={() => onSort(sortKey)} data-testid={`sort-${sortKey}`}>
				{children}
				<span className={active ? "sort-arrow active" : "sort-arrow"} aria-hidden="true">
					{active ? (view.order === "asc" ? "▲" : "▼") : "▲"}
				</span>
			</button>
		</th>
	);
}

function Filters({ view, update }: { view: RunsView; update: (changes: Record<string, string | null>) => void }) {
	const [model, setModel] = useState(view.model);
	const debouncedModel = useDebounced(model, 300);
	const pushed = useRef(view.model);
	// Typing filters after a pause; the URL (and so reloads and links) follow. Only a new typed
	// value is pushed, so a stale debounced value cannot undo a back/forward navigation.
	useEffect(() => {
		const value = debouncedModel.trim();
		if (value === pushed.current) return;
		pushed.current = value;
		if (value !== view.model) update({ model: value || null, page: null });
	}, [debouncedModel, view.model, update]);
	useEffect(() => {
		pushed.current = view.model;
		setModel(view.model);
	}, [view.model]);

	const filtered = view.model || view.provider || view.status;
	return (
		<div className="filters" data-testid="runs-filters">
			<label className="field field-inline">
				<span className="field-label">Model</span>
				<input
					type="search"
					value={model}
					// The API matches the whole provider:model exactly; "claude" alone would never match.
					placeholder="e.g. openai:gpt-5 (exact)"
					title="The whole model as the run was started with, provider:model (or oracle)"
					onChange={(event) => setModel(event.target.value)}
					data-testid="filter-model"
				/>
			</label>
			<label className="field field-inline">
				<span className="field-label">Provider</span>
				<select
					value={view.provider}
					onChange={(event) => update({ provider: event.target.value || null, page: null })}
					data-testid="filter-provider"
				>
					<option value="">Any</option>
					{providerChoices.map((provider) => (
						<option key={provider} value={provider}>
							{provider}
						</option>
					))}
				</select>
			</label>
			<label className="field field-inline">
				<span className="field-label">Status</span>
				<select
					value={view.status}
					onChange={(event) => update({ status: event.target.value || null, page: null })}
					data-testid="filter-status"
				>
					<option value="">Any</option>
					{runStatuses.map((status) => (
						<option key={status} value={status}>
							{status}
						</option>
					))}
				</select>
			</label>
			<label className="field field-inline">
				<span className="field-label">Sort</span>
				<span className="sort-pair">
					<select
						value={view.sort}
						onChange={(event) => update({ sort: event.target.value, page: null })}
						data-testid="filter-sort"
					>
						{Object.entries(sortLabels).map(([key, label]) => (
							<option key={key} value={key}>
								{label}
							</option>
						))}
					</select>
					<button
						type="button"
						className="btn btn-small"
						onClick={() => update({ order: view.order === "asc" ? "desc" : "asc" })}
						data-testid="filter-order"
						title="Toggle sort order"
					>
						{view.order === "asc" ? "Asc ▲" : "Desc ▼"}
					</button>
				</span>
			</label>
			{filtered && (
				<button
					type="button"
					className="btn btn-ghost btn-small"
					onClick={() => {
						setModel("");
						update({ model: null, provider: null, status: null, page: null });
					}}
				>
					Clear filters
				</button>
			)}
		</div>
	);
}

function RunRow({
	run,
	now,
	selected,
	onSelect,
	onChanged,
}: {
	run: RunSummary;
	now: number;
	selected: boolean;
	onSelect: (selected: boolean) => void;
	onChanged: () => void;
}) {
	const { modelId } = splitModel(run.model);
	const done = run.passed + run.failed;
	return (
		<tr
			data-testid="run-row"
			data-run-id={run.id}
			data-status={run.status}
			className={selected ? "selected" : undefined}
		>
			<td className="cell-select" data-label="">
				<input
					type="checkbox"
					checked={selected}
					onChange={(event) => onSelect(event.target.checked)}
					aria-label={`Select run #${run.id} to compare`}
					data-testid="run-select"
				/>
			</td>
			<td className="cell-primary" data-label="">
				<Link to={`/runs/${run.id}`} className="run-link" data-testid="run-open">
					{modelId || run.model}
				</Link>
				<div className="subtle">
					#{run.id}
					{run.name ? ` · ${run.name}` : ""}
				</div>
			</td>
			<td data-label="Provider">
				<div>{run.provider || "—"}</div>
				<div className="subtle" data-testid="run-agent">
					{run.agent}
				</div>
			</td>
			<td data-label="Status">
				<RunStatusBadge status={run.status} />
			</td>
			<td data-label="Created" title={formatFullDate(run.createdAt)} className="nowrap">
				{formatRelative(run.createdAt, now)}
			</td>
			<td data-label="Passed" className="num" data-testid="run-passed">
				<span className="count-pass">{run.passed}</span>
			</td>
			<td data-label="Failed" className="num" data-testid="run-failed">
				<span className={run.failed > 0 ? "count-fail" : undefined}>{run.failed}</span>
			</td>
			<td data-label="Pass %" className="num">
				<PassRate rate={run.passRate} testId="run-pass-rate" />
				{isRunActive(run) && run.total > 0 && (
					<div className="subtle">
						{done}/{run.total}
					</div>
				)}
			</td>
			<td data-label="Tokens" className="num nowrap">
				{formatTokens(run.tokensIn)} <span className="muted">/</span> {formatTokens(run.tokensOut)}
			</td>
			<td data-label="Cost" className="num">
				{formatCost(run.cost)}
			</td>
			<td data-label="Duration" className="num nowrap">
				{formatDuration(run.durationMs)}
			</td>
			<td data-label="Tools" className="cell-tools">
				<ToolChips usage={run.toolUsage} />
			</td>
			<td className="cell-actions" data-label="">
				<RunRowActions run={run} onChanged={onChanged} />
			</td>
		</tr>
	);
}

export function RunsPage() {
	useDocumentTitle("Runs");
	const [params, update] = useSearchParams();
	const view = parseRunsView(params);
	const query = runsViewToQuery(view);
	const key = JSON.stringify(query);
	const runs = useApi(key, () => api.listRuns(query));
	const [selected, setSelected] = useState<number[]>([]);
	const active = runs.data?.runs.some(isRunActive) ?? false;
	// Live-ish totals while something runs; the run page has the real live view.
	useInterval(() => void runs.reload(), active ? 5000 : null);
	const now = useNow(30_000);

	const onSort = (sortKey: RunSortKey) => update({ ...nextSort(view, sortKey), page: null });
	const total = runs.data?.total ?? 0;
	const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
	const first = total === 0 ? 0 : (view.page - 1) * PAGE_SIZE + 1;
	const last = Math.min(total, view.page * PAGE_SIZE);

	const toggle = (id: number, on: boolean) =>
		setSelected((current) => (on ? [...current.filter((x) => x !== id), id] : current.filter((x) => x !== id)));

	return (
		<div className="stack">
			<div className="page-head">
				<div>
					<h1>Runs</h1>
					<p className="page-sub">Every evaluation, newest first. Select two or more to compare them.</p>
				</div>
				<div className="page-actions">
					<Link to="/runs/new" className="btn btn-primary" data-testid="new-run-button">
						<Icon name="plus" />
						New run
					</Link>
				</div>
			</div>

			<Filters view={view} update={update} />
			<ErrorBanner error={runs.error} onRetry={() => void runs.reload()} />

			{runs.loading && !runs.data ? (
				<Loading />
			) : runs.data && runs.data.runs.length === 0 ? (
				<EmptyState title={view.model || view.provider || view.status ? "No runs match these filters" : "No runs yet"}>
					<Link to="/runs/new" className="btn btn-primary">
						<Icon name="plus" />
						Start a run
					</Link>
				</EmptyState>
			) : runs.data ? (
				<div className="card table-card">
					<table className="table rtable runs-table" data-testid="runs-table">
						<thead>
							<tr>
								<th className="cell-select">
									<span className="sr-only">Select</span>
								</th>
								<SortHeader view={view} sortKey="model" onSort={onSort}>
									Model
								</SortHeader>
								<th>
									Provider
									<br />
									<span className="th-sub">agent</span>
								</th>
								<th>Status</th>
								<SortHeader view={view} sortKey="created" onSort={onSort}>
									Created
								</SortHeader>
								<th className="num">Passed</th>
								<th className="num">Failed</th>
								<SortHeader view={view} sortKey="passRate" onSort={onSort} className="num">
									Pass %
								</SortHeader>
								<th className="num">
									Tokens
									<br />
									<span className="th-sub">in / out</span>
								</th>
								<SortHeader view={view} sortKey="cost" onSort={onSort} className="num">
									Cost
								</SortHeader>
								<SortHeader view={view} sortKey="duration" onSort={onSort} className="num">
									Duration
								</SortHeader>
								<th>
									Tools
									<br />
									<span className="th-sub">attempts · success</span>
								</th>
								<th className="cell-actions">
									<span className="sr-only">Actions</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{runs.data.runs.map((run) => (
								<RunRow
									key={run.id}
									run={run}
									now={now}
									selected={selected.includes(run.id)}
									onSelect={(on) => toggle(run.id, on)}
									onChanged={() => void runs.reload()}
								/>
							))}
						</tbody>
					</table>
				</div>
			) : null}

			{total > PAGE_SIZE && (
				<div className="pager">
					<span className="muted">
						{first}–{last} of {total}
					</span>
					<button
						type="button"
						className="btn btn-small"
						disabled={view.page <= 1}
						onClick={() => update({ page: view.page - 1 > 1 ? String(view.page - 1) : null })}
					>
						Previous
					</button>
					<button
						type="button"
						className="btn btn-small"
						disabled={view.page >= pages}
						onClick={() => update({ page: String(view.page + 1) })}
					>
						Next
					</button>
				</div>
			)}

			{selected.length > 0 && (
				<div className="selection-bar" data-testid="selection-bar">
					<span>
						{selected.length} selected{selected.length < 2 ? " · pick one more to compare" : ""}
					</span>
					<button type="button" className="btn btn-ghost btn-small" onClick={() => setSelected([])}>
						Clear
					</button>
					<button
						type="button"
						className="btn btn-primary btn-small"
						disabled={selected.length < 2}
						onClick={() => navigate(`/compare?runs=${selected.join(",")}`)}
						data-testid="compare-button"
					>
						<Icon name="compare" />
						Compare
					</button>
				</div>
			)}
		</div>
	);
}
