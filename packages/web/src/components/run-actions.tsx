import { type ReactNode, useCallback } from "react";
import { ApiError, api, errorMessage } from "../api/client.js";
import type { ExportFormat, RunSummary } from "../api/types.js";
import { runTitle } from "../lib/format.js";
import { isRunActive } from "../lib/tasks.js";
import { Icon } from "./icons.js";
import { Menu, useFeedback } from "./ui.js";

/** Cancel, delete and export with the confirmations and messages they need, shared by pages. */
export function useRunActions() {
	const { confirm, notify } = useFeedback();

	const cancelRun = useCallback(
		async (run: RunSummary, after?: () => void) => {
			const ok = await confirm({
				title: `Cancel run ${runTitle(run)}?`,
				body: "Running tasks are stopped and pending tasks will not start. Finished results are kept.",
				confirmLabel: "Cancel run",
				danger: true,
			});
			if (!ok) return;
			try {
				await api.cancelRun(run.id);
				notify(`Cancelling run #${run.id}…`, "info");
				after?.();
			} catch (error) {
				notify(`Could not cancel run #${run.id}: ${errorMessage(error)}`, "error");
			}
		},
		[confirm, notify],
	);

	const deleteRun = useCallback(
		async (run: RunSummary, after?: () => void) => {
			const ok = await confirm({
				title: `Delete run ${runTitle(run)}?`,
				body: `Run #${run.id} and its ${run.total} tasks, transcripts and logs are removed for good.`,
				confirmLabel: "Delete",
				danger: true,
			});
			if (!ok) return;
			try {
				await api.deleteRun(run.id);
				notify(`Deleted run #${run.id}`, "success");
				after?.();
			} catch (error) {
				const message =
					error instanceof ApiError && error.status === 409
						? "it is still running; cancel it first"
						: errorMessage(error);
				notify(`Could not delete run #${run.id}: ${message}`, "error");
			}
		},
		[confirm, notify],
	);

	const exportRun = useCallback(
		async (run: RunSummary, format: ExportFormat) => {
			try {
				await api.exportRun(run.id, format);
			} catch (error) {
				notify(`Export failed: ${errorMessage(error)}`, "error");
			}
		},
		[notify],
	);

	return { cancelRun, deleteRun, exportRun };
}

const formats: { format: ExportFormat; label: string }[] = [
	{ format: "csv", label: "CSV" },
	{ format: "json", label: "JSON" },
	{ format: "junit", label: "JUnit XML" },
];

export function ExportMenu({
	run,
	onExport,
	extra,
	iconOnly = false,
}: {
	run: RunSummary;
	onExport: (run: RunSummary, format: ExportFormat) => void;
	extra?: (close: () => void) => ReactNode;
	iconOnly?: boolean;
}) {
	return (
		<Menu
			label={iconOnly ? <span className="sr-only">Export run #{run.id}</span> : "Export"}
			icon="download"
			testId="export-menu"
			title={`Export run #${run.id}`}
			iconOnly={iconOnly}
		>
			{(close) => (
				<>
					{formats.map(({ format, label }) => (
						<button
							key={format}
							type="button"
							className="menu-item"
							data-testid={`export-${format}`}
							onClick={() => {
								close();
								onExport(run, format);
							}}
						>
							{label}
						</button>
					))}
					{extra?.(close)}
				</>
			)}
		</Menu>
	);
}

/**
 * The actions column of the runs table: icons only, the table is wide already. A live run can
 * be cancelled but not deleted (the server refuses), so it shows one in place of the other.
 */
export function RunRowActions({ run, onChanged }: { run: RunSummary; onChanged: () => void }) {
	const { cancelRun, deleteRun, exportRun } = useRunActions();
	const active = isRunActive(run);
	return (
		<div className="row-actions">
			{active && (
				<button
					type="button"
					className="icon-btn icon-btn-danger"
					onClick={() => void cancelRun(run, onChanged)}
					title="Cancel run"
					aria-label={`Cancel run #${run.id}`}
					data-testid="run-cancel"
				>
					<Icon name="stop" />
				</button>
			)}
			<ExportMenu run={run} onExport={(r, format) => void exportRun(r, format)} iconOnly />
			{!active && (
				<button
					type="button"
					className="icon-btn icon-btn-danger"
					onClick={() => void deleteRun(run, onChanged)}
					title="Delete run"
					aria-label={`Delete run #${run.id}`}
					data-testid="run-delete"
				>
					<Icon name="trash" />
				</button>
			)}
		</div>
	);
}
