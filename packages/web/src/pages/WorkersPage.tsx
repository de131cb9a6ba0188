import type { WorkerInfo } from "@agent-evals/types";
import { api } from "../api/client.js";
import { EmptyState, ErrorBanner, Loading } from "../components/ui.js";
import { useApi, useDocumentTitle, useInterval, useNow } from "../hooks.js";
import { formatRelative } from "../lib/format.js";
import { Link } from "../router.js";

/** Adverts are refreshed every 5 s: polling as often shows a worker's load as it changes. */
const REFRESH_MS = 5_000;

/**
 * The `evals worker` processes of this deployment and their load, from the adverts they keep
 * alive in Redis: a worker that dies drops off the list once its advert expires.
 */
export function WorkersPage() {
	useDocumentTitle("Workers");
	const workers = useApi("workers", () => api.workers());
	useInterval(() => void workers.reload(), REFRESH_MS);
	const now = useNow(REFRESH_MS);
	const list = workers.data?.workers ?? [];
	const slots = list.reduce((sum, worker) => sum + worker.slots, 0);
	const busy = list.reduce((sum, worker) => sum + worker.running.length, 0);
	return (
		<div className="stack">
			<div className="page-head">
				<div>
					<h1>Workers</h1>
					<p className="page-sub">
						Processes started with <code>evals worker</code> on any host take the tasks of runs started with{" "}
						<code>--distributed</code>. {list.length > 0 ? `${busy} of ${slots} slots busy.` : ""}
					</p>
				</div>
			</div>
			{workers.error ? (
				<ErrorBanner error={workers.error} onRetry={() => void workers.reload()} />
			) : !workers.data ? (
				<Loading />
			) : list.length === 0 ? (
				<EmptyState title="No worker is running">
					<p>
						With <code>DATABASE_URL</code> and <code>REDIS_URL</code> set, start one with <code>evals worker</code>.
					</p>
				</EmptyState>
			) : (
				<div className="card table-card">
					<table className="table" data-testid="workers-table">
						<thead>
							<tr>
								<th>Name</th>
								<th>Host</th>
								<th>Languages</th>
								<th>Load</th>
								<th>Running</th>
								<th>Seen</th>
							</tr>
						</thead>
						<tbody>
							{list.map((worker) => (
								<WorkerRow key={worker.name} worker={worker} now={now} />
							))}
						</tbody>
					</table>
				</div>
			)}
		</div>
	);
}

function WorkerRow({ worker, now }: { worker: WorkerInfo; now: number }) {
	return (
		<tr data-testid="worker-row" data-worker={worker.name}>
			<td>
				<strong>{worker.name}</strong>
				{worker.draining ? <span className="th-sub"> stopping</span> : null}
			</td>
			<td>
				{worker.host} <span className="th-sub">pid {worker.pid}</span>
			</td>
			<td>{worker.languages.join(", ")}</td>
			<td data-testid="worker-load">
				{worker.running.length}/{worker.slots}
			</td>
			<td>
				{worker.running.length === 0
					? "idle"
					: worker.running.map((task) => (
							<div key={task.taskId}>
								<Link to={`/runs/${task.runId}`}>run {task.runId}</Link> · {task.language}/{task.exercise} · attempt{" "}
								{task.attempt}
							</div>
						))}
			</td>
			<td>{formatRelative(worker.seenAt, now)}</td>
		</tr>
	);
}
