import { useMemo } from "react";
import { api, mapLimit } from "../api/client.js";
import type { RunStatus } from "../api/types.js";
import { type ChartPoint, CostScoreChart } from "../components/cost-score-chart.js";
import { EmptyState, ErrorBanner, Loading, PassRate } from "../components/ui.js";
import { useApi, useDocumentTitle } from "../hooks.js";
import { formatCost, formatDuration, formatPercent, formatTokens, runTitle, shortModel } from "../lib/format.js";
import {
	bestPerModel,
	isReferenceModel,
	type LeaderboardEntry,
	languageScores,
	languagesOf,
	paretoFrontier,
	rankEntries,
} from "../lib/leaderboard.js";
import { Link, navigate, useSearchParams } from "../router.js";

const LIMIT = 100;

export function LeaderboardPage() {
	useDocumentTitle("Leaderboard");
	const [params, update] = useSearchParams();
	const status: RunStatus | "" = params.get("status") === "all" ? "" : "completed";
	const best = params.get("best") === "1";
	const withReference = params.get("reference") === "1";

	const data = useApi<LeaderboardEntry[]>(`leaderboard:${status}`, async () => {
		const { runs } = await api.listRuns({ status: status || undefined, sort: "passRate", order: "desc", limit: LIMIT });
		const scored = runs.filter((run) => run.passRate !== null);
		// Per-language scores need each run's tasks; a few at a time keeps the server responsive.
		return mapLimit(scored, 4, async (run) => ({
			run,
			languages: languageScores((await api.listAllTasks(run.id)).tasks),
		}));
	});

	const entries = useMemo(() => {
		const all = (data.data ?? []).filter((entry) => withReference || !isReferenceModel(entry.run.model));
		return best ? bestPerModel(all) : rankEntries(all);
	}, [data.data, best, withReference]);
	const hiddenReference = (data.data ?? []).filter((entry) => isReferenceModel(entry.run.model)).length;
	const languages = useMemo(() => languagesOf(entries), [entries]);
	const points = useMemo<ChartPoint[]>(() => {
		const raw = entries.map(({ run }) => ({
			id: run.id,
			label: best ? shortModel(run.model) : `${shortModel(run.model)} #${run.id}`,
			cost: run.cost,
			score: run.passRate ?? 0,
			interval: run.passRateInterval,
		}));
		const models = new Map(entries.map(({ run }) => [run.id, run.model]));
		// A reference run costs nothing and passes everything: it would be the only "best value".
		const candidates = raw.filter((point) => !isReferenceModel(models.get(point.id) ?? ""));
		const frontier = new Set(paretoFrontier(candidates).map((point) => point.id));
		return raw.map((point) => ({ ...point, frontier: frontier.has(point.id) }));
	}, [entries, best]);
	const frontierIds = new Set(points.filter((point) => point.frontier).map((point) => point.id));

	return (
		<div className="stack">
			<div className="page-head">
				<div>
					<h1>Leaderboard</h1>
					<p className="page-sub">
						Runs ranked by pass rate, with scores per language. The plot shows what each score cost; the dashed line
						joins the best value for the money.
					</p>
				</div>
			</div>
			<div className="filters">
				<label className="field field-inline">
					<span className="field-label">Runs</span>
					<select
						value={status ? "completed" : "all"}
						onChange={(event) => update({ status: event.target.value === "all" ? "all" : null })}
						data-testid="leaderboard-status"
					>
						<option value="completed">Completed only</option>
						<option value="all">All with results</option>
					</select>
				</label>
				<label className="check">
					<input
						type="checkbox"
						checked={best}
						onChange={(event) => update({ best: event.target.checked ? "1" : null })}
						data-testid="leaderboard-best"
					/>
					Best run per model
				</label>
				<label className="check" title="Runs of the oracle (reference solutions): a check of the harness, not a model">
					<input
						type="checkbox"
						checked={withReference}
						onChange={(event) => update({ reference: event.target.checked ? "1" : null })}
						data-testid="leaderboard-reference"
					/>
					Include reference runs{hiddenReference > 0 && !withReference ? ` (${hiddenReference} hidden)` : ""}
				</label>
			</div>
			<ErrorBanner error={data.error} onRetry={() => void data.reload()} />
			{data.loading && !data.data ? (
				<Loading label="Loading runs and per-language results…" />
			) : entries.length === 0 ? (
				<EmptyState title="No scored runs yet">
					<p>Runs appear here once they have verdicts.</p>
				</EmptyState>
			) : (
				<>
					<section className="card chart-card" aria-label="Cost versus score">
						<div className="card-head">
							<h2>Cost × score</h2>
							<span className="legend">
								<span className="swatch swatch-point" aria-hidden="true" /> run
								<span className="swatch swatch-frontier" aria-hidden="true" /> best value
							</span>
						</div>
						<CostScoreChart points={points} onSelect={(id) => navigate(`/runs/${id}`)} />
					</section>
					<div className="card table-scroll">
						<table className="table leaderboard-table" data-testid="leaderboard-table">
							<thead>
								<tr>
									<th className="num">#</th>
									<th className="sticky-col">Model</th>
									<th className="num">Pass rate</th>
									{languages.map((language) => (
										<th key={language} className="num">
											{language}
										</th>
									))}
									<th className="num">Passed</th>
									<th className="num">Cost</th>
									<th className="num">Tokens</th>
									<th className="num">Duration</th>
								</tr>
							</thead>
							<tbody>
								{entries.map(({ run, languages: scores }, index) => (
									<tr key={run.id} data-testid="leaderboard-row" data-run-id={run.id}>
										<td className="num rank">{index + 1}</td>
										<th className="sticky-col" scope="row">
											<Link to={`/runs/${run.id}`} className="run-link">
												{shortModel(run.model)}
											</Link>
											{isReferenceModel(run.model) && <span className="tag tag-ref">reference</span>}
											{frontierIds.has(run.id) && (
												<span className="tag tag-good" title="No other run scores higher for less">
													best value
												</span>
											)}
											<div className="subtle">
												{run.provider || "—"} · {run.agent} · #{run.id}
												{run.name ? ` · ${runTitle(run)}` : ""}
											</div>
										</th>
										<td className="num">
											<PassRate rate={run.passRate} />
											{run.passRateFirstTry !== null && (
												<div
													className="subtle"
													data-testid="pass-rate-first-try"
													title="With several tries per task, the pass rate at the first try; the score is at the last try"
												>
													try 1: {formatPercent(run.passRateFirstTry)}
												</div>
											)}
										</td>
										{languages.map((language) => {
											const score = scores[language];
											return (
												<td
													key={language}
													className="num"
													title={score ? `${score.passed} of ${score.passed + score.failed} passed` : "not run"}
													data-testid="language-score"
													data-language={language}
												>
													{score ? <PassRate rate={score.rate} /> : <span className="muted">—</span>}
												</td>
											);
										})}
										<td className="num">
											{run.passed}/{run.passed + run.failed}
										</td>
										<td className="num">{formatCost(run.cost)}</td>
										<td className="num nowrap">
											{formatTokens(run.tokensIn)} / {formatTokens(run.tokensOut)}
										</td>
										<td className="num nowrap">{formatDuration(run.durationMs)}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</>
			)}
		</div>
	);
}
