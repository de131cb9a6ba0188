import type { ToolUsage } from "../api/types.js";

export const DASH = "—";

export type Tone = "good" | "warn" | "bad" | "none";

/** The dashboard's colour bands for pass rates: green from 80 %, amber from 50 %, red below. */
export function passRateTone(rate: number | null | undefined): Tone {
	if (rate === null || rate === undefined || Number.isNaN(rate)) return "none";
	if (rate >= 0.8) return "good";
	if (rate >= 0.5) return "warn";
	return "bad";
}

export function formatPercent(rate: number | null | undefined, digits = 1): string {
	if (rate === null || rate === undefined || Number.isNaN(rate)) return DASH;
	const percent = rate * 100;
	// Whole numbers read better without a trailing ".0" (100%, 0%, 50%).
	return `${Number.isInteger(Number(percent.toFixed(digits))) ? percent.toFixed(0) : percent.toFixed(digits)}%`;
}

export function formatTokens(count: number | null | undefined): string {
	if (count === null || count === undefined || Number.isNaN(count)) return DASH;
	const abs = Math.abs(count);
	if (abs < 1000) return String(Math.round(count));
	if (abs < 10_000) return `${trim((count / 1000).toFixed(1))}k`;
	if (abs < 1_000_000) return `${Math.round(count / 1000)}k`;
	if (abs < 10_000_000) return `${trim((count / 1_000_000).toFixed(2))}M`;
	if (abs < 1_000_000_000) return `${trim((count / 1_000_000).toFixed(1))}M`;
	return `${trim((count / 1_000_000_000).toFixed(2))}B`;
}

function trim(fixed: string): string {
	return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** USD with as many decimals as small model costs need to stay distinguishable. */
export function formatCost(usd: number | null | undefined): string {
	if (usd === null || usd === undefined || Number.isNaN(usd)) return DASH;
	const sign = usd < 0 ? "-" : "";
	const abs = Math.abs(usd);
	if (abs === 0) return "$0";
	if (abs < 0.0001) return `${sign}<$0.0001`;
	if (abs < 0.01) return `${sign}$${abs.toFixed(4)}`;
	if (abs < 1) return `${sign}$${abs.toFixed(3)}`;
	if (abs < 1000) return `${sign}$${abs.toFixed(2)}`;
	return `${sign}$${Math.round(abs).toLocaleString("en-US")}`;
}

/** `340 B`, `1.2 kB`, `3.4 MB`: sizes of MCP answers. */
export function formatBytes(size: number | null | undefined): string {
	if (size === null || size === undefined || !Number.isFinite(size)) return DASH;
	if (size < 1000) return `${Math.round(size)} B`;
	if (size < 1_000_000) return `${(size / 1000).toFixed(1)} kB`;
	return `${(size / 1_000_000).toFixed(1)} MB`;
}

export function formatDuration(ms: number | null | undefined): string {
	if (ms === null || ms === undefined || Number.isNaN(ms)) return DASH;
	const sign = ms < 0 ? "-" : "";
	const abs = Math.abs(ms);
	if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
	if (abs < 60_000) return `${sign}${trim((abs / 1000).toFixed(1))} s`;
	const totalSeconds = Math.round(abs / 1000);
	if (totalSeconds < 3600) {
		const minutes = Math.floor(totalSeconds / 60);
		const seconds = totalSeconds % 60;
		return `${sign}${minutes}m ${String(seconds).padStart(2, "0")}s`;
	}
	const totalMinutes = Math.round(totalSeconds / 60);
	const hours = Math.floor(totalMinutes / 60);
	const minutes = totalMinutes % 60;
	return `${sign}${hours}h ${String(minutes).padStart(2, "0")}m`;
}

/** Signed difference for compare views; zero reads as "±0" so an unchanged cell is explicit. */
export function formatDelta(delta: number | null | undefined, kind: "cost" | "duration" | "percent"): string {
	if (delta === null || delta === undefined || Number.isNaN(delta)) return DASH;
	if (delta === 0) return "±0";
	const sign = delta > 0 ? "+" : "−";
	const abs = Math.abs(delta);
	if (kind === "cost") return `${sign}${formatCost(abs)}`;
	if (kind === "duration") return `${sign}${formatDuration(abs)}`;
	return `${sign}${trim((abs * 100).toFixed(1))} pp`;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
	day: "numeric",
	month: "short",
	hour: "2-digit",
	minute: "2-digit",
});
const fullDateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium" });

export function formatDate(iso: string | null | undefined): string {
	if (!iso) return DASH;
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? DASH : dateFormat.format(date);
}

export function formatFullDate(iso: string | null | undefined): string {
	if (!iso) return "";
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? "" : fullDateFormat.format(date);
}

export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
	if (!iso) return DASH;
	const time = new Date(iso).getTime();
	if (Number.isNaN(time)) return DASH;
	const seconds = Math.round((now - time) / 1000);
	if (seconds < 45) return "just now";
	const minutes = Math.round(seconds / 60);
	if (minutes < 60) return `${minutes} min ago`;
	const hours = Math.round(minutes / 60);
	if (hours < 24) return `${hours} h ago`;
	const days = Math.round(hours / 24);
	if (days < 14) return `${days} d ago`;
	return formatDate(iso);
}

export interface ToolStat {
	tool: string;
	attempts: number;
	failures: number;
	/** (attempts - failures) / attempts; null without attempts. */
	successRate: number | null;
}

/** Tools by attempts, most used first, for the compact per-tool column. */
export function toolStats(usage: ToolUsage | null | undefined): ToolStat[] {
	if (!usage) return [];
	return Object.entries(usage)
		.map(([tool, { attempts, failures }]) => ({
			tool,
			attempts,
			failures,
			successRate: attempts > 0 ? Math.max(0, attempts - failures) / attempts : null,
		}))
		.filter((stat) => stat.attempts > 0)
		.sort((a, b) => b.attempts - a.attempts || a.tool.localeCompare(b.tool));
}

/** `anthropic:claude-sonnet-4` → provider and model id; "oracle" has no provider. */
export function splitModel(model: string): { provider: string; modelId: string } {
	const colon = model.indexOf(":");
	if (colon < 0) return { provider: model === "oracle" ? "oracle" : "", modelId: model };
	return { provider: model.slice(0, colon), modelId: model.slice(colon + 1) };
}

/** The model's own name without its provider prefix, for tight labels. */
export function shortModel(model: string): string {
	return splitModel(model).modelId || model;
}

export function runTitle(run: { id: number; name: string | null; model: string }): string {
	return run.name?.trim() || `#${run.id} ${shortModel(run.model)}`;
}

export function pluralize(count: number, one: string, many = `${one}s`): string {
	return `${count} ${count === 1 ? one : many}`;
}
