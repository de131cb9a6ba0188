import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { errorMessage } from "../api/client.js";
import type { FailureKind, RunStatus, TaskStatus, ToolUsage } from "../api/types.js";
import { formatPercent, passRateTone, type ToolStat, toolStats } from "../lib/format.js";
import { Icon, type IconName } from "./icons.js";

const runStatusLabel: Record<RunStatus, string> = {
	pending: "Pending",
	running: "Running",
	paused: "Paused",
	completed: "Completed",
	cancelled: "Cancelled",
	failed: "Failed",
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
	return (
		<span className={`badge badge-${status}`} data-testid="run-status" data-status={status}>
			{status === "running" && <span className="pulse" aria-hidden="true" />}
			{runStatusLabel[status] ?? status}
		</span>
	);
}

const taskIcon: Record<TaskStatus, IconName> = {
	running: "spinner",
	passed: "check",
	failed: "x",
	pending: "clock",
	cancelled: "slash",
};

export const taskStatusLabel: Record<TaskStatus, string> = {
	running: "Running",
	passed: "Passed",
	failed: "Failed",
	pending: "Pending",
	cancelled: "Cancelled",
};

export function TaskStatusIcon({ status, withLabel = false }: { status: TaskStatus; withLabel?: boolean }) {
	return (
		<span className={`task-status task-status-${status}`} title={taskStatusLabel[status]}>
			<Icon name={taskIcon[status] ?? "clock"} className={status === "running" ? "spin" : undefined} />
			{withLabel ? <span>{taskStatusLabel[status]}</span> : <span className="sr-only">{taskStatusLabel[status]}</span>}
		</span>
	);
}

export const failureKindLabel: Record<FailureKind, string> = {
	test_failed: "tests failed",
	timeout: "timeout",
	agent_error: "agent error",
	infra: "infra",
	cancelled: "cancelled",
};

export function FailureKindTag({ kind }: { kind: FailureKind | null }) {
	if (!kind) return null;
	return (
		<span className={`tag tag-${kind}`} data-testid="failure-kind">
			{failureKindLabel[kind] ?? kind}
		</span>
	);
}

export function PassRate({ rate, testId }: { rate: number | null | undefined; testId?: string }) {
	const tone = passRateTone(rate);
	return (
		<span className={`rate rate-${tone}`} data-testid={testId} data-tone={tone}>
			{formatPercent(rate)}
		</span>
	);
}

function toolTitle(stat: ToolStat): string {
	return `${stat.tool}: ${stat.attempts} attempts, ${stat.failures} failed (${formatPercent(stat.successRate)} success)`;
}

/** Per-tool attempts and success rate, most used first; the rest are summarised in a tooltip. */
export function ToolChips({ usage, max = 3 }: { usage: ToolUsage | null | undefined; max?: number }) {
	const stats = toolStats(usage);
	if (stats.length === 0) return <span className="muted">—</span>;
	const shown = stats.slice(0, max);
	const hidden = stats.slice(max);
	return (
		<ul className="tool-chips">
			{shown.map((stat) => (
				<li key={stat.tool} title={toolTitle(stat)} className="tool-chip">
					<span className="tool-name">{stat.tool}</span>
					<span className="tool-count">{stat.attempts}</span>
					<span className={`tool-rate rate-${passRateTone(stat.successRate)}`}>
						{formatPercent(stat.successRate, 0)}
					</span>
				</li>
			))}
			{hidden.length > 0 && (
				<li className="tool-more" title={hidden.map(toolTitle).join("\n")}>
					+{hidden.length} more
				</li>
			)}
		</ul>
	);
}

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
	if (!error) return null;
	return (
		<div className="banner banner-error" role="alert" data-testid="error-banner">
			<Icon name="warning" />
			<span>{errorMessage(error)}</span>
			{onRetry && (
				<button type="button" className="btn btn-small" onClick={onRetry}>
					Retry
				</button>
			)}
		</div>
	);
}

export function Loading({ label = "Loading…" }: { label?: string }) {
	return (
		<div className="loading" aria-live="polite">
			<Icon name="spinner" className="spin" />
			{label}
		</div>
	);
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
	return (
		<div className="empty" data-testid="empty-state">
			<p className="empty-title">{title}</p>
			{children && <div className="empty-body">{children}</div>}
		</div>
	);
}

/** A dropdown built on <details>: keyboard and screen-reader friendly, closes on outside click. */
export function Menu({
	label,
	icon,
	children,
	testId,
	title,
	iconOnly = false,
	align = "right",
}: {
	label: ReactNode;
	icon?: IconName;
	children: (close: () => void) => ReactNode;
	testId?: string;
	title?: string;
	/** The label is for screen readers only: no chevron, a square button. */
	iconOnly?: boolean;
	align?: "left" | "right";
}) {
	const ref = useRef<HTMLDetailsElement>(null);
	const close = useCallback(() => {
		if (ref.current) ref.current.open = false;
	}, []);
	useEffect(() => {
		const onPointer = (event: PointerEvent) => {
			if (ref.current?.open && !ref.current.contains(event.target as Node)) close();
		};
		const onKey = (event: KeyboardEvent) => {
			if (event.key === "Escape") close();
		};
		document.addEventListener("pointerdown", onPointer);
		document.addEventListener("keydown", onKey);
		return () => {
			document.removeEventListener("pointerdown", onPointer);
			document.removeEventListener("keydown", onKey);
		};
	}, [close]);
	return (
		<details className={`menu menu-${align}`} ref={ref} data-testid={testId}>
			<summary className={iconOnly ? "btn btn-small btn-icon" : "btn btn-small"} title={title}>
				{icon && <Icon name={icon} />}
				{label}
				{!iconOnly && <Icon name="chevron" size={12} />}
			</summary>
			<div className="menu-items">{children(close)}</div>
		</details>
	);
}

interface ConfirmOptions {
	title: string;
	body?: ReactNode;
	confirmLabel?: string;
	danger?: boolean;
}

interface Toast {
	id: number;
	message: string;
	tone: "info" | "error" | "success";
}

interface Feedback {
	confirm: (options: ConfirmOptions) => Promise<boolean>;
	notify: (message: string, tone?: Toast["tone"]) => void;
}

const FeedbackContext = createContext<Feedback | null>(null);

export function useFeedback(): Feedback {
	const feedback = useContext(FeedbackContext);
	if (!feedback) throw new Error("useFeedback outside FeedbackProvider");
	return feedback;
}

/** One confirm dialog (a native modal <dialog>) and a toast stack for the whole app. */
export function FeedbackProvider({ children }: { children: ReactNode }) {
	const dialogRef = useRef<HTMLDialogElement>(null);
	const [pending, setPending] = useState<(ConfirmOptions & { resolve: (ok: boolean) => void }) | null>(null);
	const [toasts, setToasts] = useState<Toast[]>([]);
	const nextId = useRef(1);

	const confirm = useCallback(
		(options: ConfirmOptions) => new Promise<boolean>((resolve) => setPending({ ...options, resolve })),
		[],
	);
	const notify = useCallback((message: string, tone: Toast["tone"] = "info") => {
		const id = nextId.current++;
		setToasts((current) => [...current.slice(-3), { id, message, tone }]);
		setTimeout(
			() => setToasts((current) => current.filter((toast) => toast.id !== id)),
			tone === "error" ? 8000 : 4000,
		);
	}, []);

	useEffect(() => {
		const dialog = dialogRef.current;
		if (pending && dialog && !dialog.open) dialog.showModal();
	}, [pending]);

	const settle = (ok: boolean) => {
		pending?.resolve(ok);
		setPending(null);
		dialogRef.current?.close();
	};

	const value = useMemo(() => ({ confirm, notify }), [confirm, notify]);
	return (
		<FeedbackContext.Provider value={value}>
			{children}
			<dialog
				ref={dialogRef}
				className="dialog"
				data-testid="confirm-dialog"
				onCancel={(event) => {
					event.preventDefault();
					settle(false);
				}}
			>
				{pending && (
					<form
						method="dialog"
						onSubmit={(event) => {
							event.preventDefault();
							settle(true);
						}}
					>
						<h2 className="dialog-title">{pending.title}</h2>
						{pending.body && <div className="dialog-body">{pending.body}</div>}
						<div className="dialog-actions">
							<button type="button" className="btn" onClick={() => settle(false)} data-testid="confirm-cancel">
								Cancel
							</button>
							<button
								type="submit"
								className={pending.danger ? "btn btn-danger" : "btn btn-primary"}
								data-testid="confirm-ok"
							>
								{pending.confirmLabel ?? "OK"}
							</button>
						</div>
					</form>
				)}
			</dialog>
			<div className="toasts" aria-live="polite">
				{toasts.map((toast) => (
					<div
						key={toast.id}
						className={`toast toast-${toast.tone}`}
						role={toast.tone === "error" ? "alert" : "status"}
					>
						{toast.message}
					</div>
				))}
			</div>
		</FeedbackContext.Provider>
	);
}
