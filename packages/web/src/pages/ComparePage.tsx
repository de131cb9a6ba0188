import { useMemo, useState } from "react";
import { api, mapLimit } from "../api/client.js";
import type { RunSummary } from "../api/types.js";
import { Icon } from "../components/icons.js";
import { Significance } from "../components/significance.js";
import { EmptyState, ErrorBanner, Loading, PassRate, RunStatusBadge } from "../components/ui.js";
import { useApi, useDocumentTitle } from "../hooks.js";
import {
	buildComparison,
	type CellOutcome,
	type CompareCell,
	type CompareColumn,
	type CompareInput,
	parseRunIds,
} from "../lib/compare.js";
import { formatCost, formatDelta, formatDuration, pluralize, runTitle } from "../lib/format.js";
import { Link, useSearchParams } from "../router.js";

const outcomeLabel: Record<CellOutcome, string> = {
	pass: "pass",
	fail: "fail",
	partial: "partial",
	running: "running",
	pending: "pending",
	cancelled: "cancelled",
	missing: "not run",
};

const outcomeIcon: Record<CellOutcome, string> = {
	pass: "✓",
	fail: "✗",
	partial: "◐",
	running: "…",
	pending: "·",
	cancelled: "⊘",
	missing: "—",
};

/** Lower is better for cost and time: colour a delta by whether it helps. */
function deltaTone(delta: number | null): string {
	if (delta === null || delta === 0) return "delta-same";
	return delta < 0 ? "delta-better" : "delta-worse";
}

function Cell({ cell, isBase }: { cell: CompareCell; isBase: boolean }) {
	const count = cell.total > 1 ? `${cell.passed}/${cell.passed + cell.failed}` : "";
	return (
		<td
			className={`compare-cell outcome-${cell.outcome} change-${cell.change}`}
			data-testid="compare-cell"
			data-outcome={cell.outcome}
			data-change={cell.change}
		>
			<div className="compare-outcome">
				<span className="outcome-mark" aria-hidden="true">
					{outcomeIcon[cell.outcome]}
				</span>
				<span>{outcomeLabel[cell.outcome]}</span>
				{count && <span className="muted">{count}</span>}
				{cell.change === "improved" && <span className="change-tag change-tag-improved">fixed</span>}
				{cell.change === "regressed" && <span className="change-tag change-tag-regressed">broke</span>}
			</div>
			{cell.outcome !== "missing" && (
				<div className="compare-metrics">
					<span>
						{formatCost(cell.cost)}
						{!isBase && cell.costDelta !== null && (
							<span className={`delta ${deltaTone(cell.costDelta)}`}> {formatDelta(cell.costDelta, "cost")}</span>
						)}
					</span>
					<span>
						{formatDuration(cell.durationMs)}
						{!isBase && cell.durationDelta !== null && (
							<span className={`delta ${deltaTone(cell.durationDelta)}`}>
								{" "}
								{formatDelta(cell.durationDelta, "duration")}
							</span>
						)}
					</span>
				</div>
			)}
		</td>
	);
}

function ColumnHead({ column, index }: { column: CompareColumn; index: number }) {
	const { run } = column;
	const rateTone =
		column.passRateDelta === null || column.passRateDelta === 0
			? "delta-same"
			: column.passRateDelta > 0
				? "delta-better"
				: "delta-worse";
	return (
		<th className="compare-head" scope="col" data-testid="compare-column" data-run-id={run.id}>
			<div className="compare-head-title">
				<Link to={`/runs/${run.id}`}>{runTitle(run)}</Link>
				{index === 0 && <span className="tag">baseline</span>}
			</div>
			<div className="subtle">
				#{run.id} · {run.provider || run.model} · {run.agent}
			</div>
			<div className="compare-head-stats">
				<PassRate rate={run.passRate} />
				{column.passRateDelta !== null && (
					<span className={`delta ${rateTone}`}>{formatDelta(column.passRateDelta, "percent")}</span>
				)}
				<RunStatusBadge status={run.status} />
			</div>
			<div className="compare-head-stats subtle">
				<span>
					{formatCost(run.cost)}
					{column.costDelta !== null && (
						<span className={`delta ${deltaTone(column.costDelta)}`}> {formatDelta(column.costDelta, "cost")}</span>
					)}
				</span>
				<span>
					{formatDuration(run.durationMs)}
					{column.durationDelta !== null && (
						<span className={`delta ${deltaTone(column.durationDelta)}`}>
							{" "}
							{formatDelta(column.durationDelta, "duration")}
						</span>
					)}
				</span>
			</div>
			{index > 0 && (
				<div className="compare-head-stats subtle">
					<span className="delta-better">{column.improved} fixed</span>
					<span className="delta-worse">{column.regressed} broke</span>
				</div>
			)}
		</th>
	);
}

function RunPicker({ ids, onChange }: { ids: number[]; onChange: (ids: number[]) => void }) {
	const recent = useApi("compare-picker", () => api.listRuns({ sort: "created", order: "desc", limit: 100 }));
	const [choice, setChoice] = useState("");
	const options = (recent.data?.runs ?? []).filter((run: RunSummary) => !ids.includes(run.id));
	return (
		<div className="filters" data-testid="compare-picker">
			<label className="field field-inline">
				<span className="field-label">Add run</span>
				<select value={choice} onChange={(event) => setChoice(event.target.value)} data-testid="compare-add-select">
					<option value="">Choose a run…</option>
					{options.map((run) => (
						<option key={run.id} value={run.id}>
							#{run.id} {runTitle(run)} ({run.status})
						</option>
					))}
				</select>
			</label>
			<button
				type="button"
				className="btn btn-small"
				disabled={!choice}
				onClick={() => {
					onChange([...ids, Number(choice)]);
					setChoice("");
				}}
				data-testid="compare-add"
			>
				<Icon name="plus" />
				Add
			</button>
			{ids.length > 0 && (
				<div className="chips">
					{ids.map((id, index) => (
						<button
							key={id}
							type="button"
							className="chip chip-removable"
							onClick={() => onChange(ids.filter((x) => x !== id))}
							title={`Remove run #${id}`}
						>
							{index === 0 ? "baseline " : ""}#{id} <span aria-hidden="true">×</span>
						</button>
					))}
				</div>
			)}
		</div>
	);
}

export function ComparePage() {
	useDocumentTitle("Compare");
	const [params, update] = useSearchParams();
	const ids = useMemo(() => parseRunIds(params.get("runs")), [params]);
	const onlyChanged = params.get("changed") === "1";
	const key = ids.length >= 2 ? `compare:${ids.join(",")}` : null;
	const data = useApi<CompareInput[]>(key, () =>
		mapLimit(ids, 4, async (id) => {
			const [{ run }, { tasks }] = await Promise.all([api.getRun(id), api.listAllTasks(id)]);
			return { run, tasks };
		}),
	);
	const comparison = useMemo(() => (data.data ? buildComparison(data.data) : null), [data.data]);
	const stats = useApi(key === null ? null : `${key}:stats`, () => api.compare(ids));
	const setIds = (next: number[]) => update({ runs: next.length ? next.join(",") : null }, { replace: false });
	const rows = comparison ? comparison.rows.filter((row) => !onlyChanged || row.changed) : [];
	const stale = data.data && data.data.map((input) => input.run.id).join(",") !== ids.join(",");

	return (
		<div className="stack">
			<div className="page-head">
				<div>
					<h1>Compare runs</h1>
					<p className="page-sub">
						Per exercise, side by side. The first run is the baseline: cells that changed against it are highlighted,
						with cost and time deltas.
					</p>
				</div>
			</div>
			<RunPicker ids={ids} onChange={setIds} />
			{ids.length < 2 ? (
				<EmptyState title="Pick at least two runs">
					<p>
						Tick runs on the <Link to="/">runs page</Link> and press Compare, or add them above.
					</p>
				</EmptyState>
			) : (
				<>
					<ErrorBanner error={data.error} onRetry={() => void data.reload()} />
					{(!comparison || stale) && data.loading ? (
						<Loading label="Loading runs and tasks…" />
					) : comparison ? (
						<>
							<ErrorBanner error={stats.error} onRetry={() => void stats.reload()} />
							{stats.data && <Significance response={stats.data} />}
							<div className="toolbar">
								<label className="check">
									<input
										type="checkbox"
										checked={onlyChanged}
										onChange={(event) => update({ changed: event.target.checked ? "1" : null })}
										data-testid="compare-only-changed"
									/>
									Only exercises that changed
								</label>
								<span className="muted">
									{pluralize(comparison.rows.length, "exercise")} · {comparison.changedRows} changed
								</span>
							</div>
							<div className="card table-scroll">
								<table className="table compare-table" data-testid="compare-table">
									<thead>
										<tr>
											<th className="sticky-col" scope="col">
												Exercise
											</th>
											{comparison.columns.map((column, index) => (
												<ColumnHead key={column.run.id} column={column} index={index} />
											))}
										</tr>
									</thead>
									<tbody>
										{rows.length === 0 && (
											<tr>
												<td colSpan={comparison.columns.length + 1} className="muted center">
													No exercise changed between these runs.
												</td>
											</tr>
										)}
										{rows.map((row) => (
											<tr
												key={row.key}
												data-testid="compare-row"
												data-changed={row.changed}
												className={row.changed ? "changed" : undefined}
											>
												<th className="sticky-col" scope="row">
													<span className="muted">{row.language}/</span>
													{/* On a phone the narrow column breaks here rather than inside a word. */}
													<wbr />
													{row.exercise}
												</th>
												{row.cells.map((cell, index) => (
													<Cell key={comparison.columns[index]?.run.id ?? index} cell={cell} isBase={index === 0} />
												))}
											</tr>
										))}
									</tbody>
								</table>
							</div>
						</>
					) : null}
				</>
			)}
		</div>
	);
}
