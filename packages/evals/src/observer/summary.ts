import { isSecretSettingKey, type Settings } from "@agent-evals/types";
import type { Store } from "../db/store.js";
import { parseModelSpec } from "../run/model-spec.js";
import { loadObserverReport } from "./export.js";
import { bySeverity, type ObserverReport } from "./report.js";

/*
 * The narrative summary: a few sentences about a run, written by a model through the agent's
 * provider layer, from the stored findings and totals only. The model gets those facts and
 * nothing else (no transcripts, no code), and its answer is checked against them: a summary that
 * names a task no finding names, or an amount of money the facts do not hold, is refused rather
 * than stored.
 */

const MAX_FINDINGS = 40;
const MAX_OUTPUT_TOKENS = 600;

export class SummaryError extends Error {
	override readonly name = "SummaryError";
}

/** The facts a summary may use: the run's totals, the observer's totals and its findings. */
export function summaryFacts(report: ObserverReport) {
	const { run, observer } = report;
	const session = observer.session;
	return {
		run: {
			id: run.id,
			model: run.model,
			status: run.status,
			tasks: run.total,
			passed: run.passed,
			failed: run.failed,
			costUsd: round(run.cost),
		},
		observer: session
			? {
					level: session.level,
					steering: session.steering,
					budgetUsd: session.budgetUsd,
					spentUsd: round(session.spentUsd),
					projectedUsd: session.projectedUsd === null ? null : round(session.projectedUsd),
					findings: session.anomalyCount,
					recommendationsApplied: session.appliedCount,
				}
			: null,
		findings: bySeverity(observer.anomalies)
			.slice(0, MAX_FINDINGS)
			.map((anomaly) => ({
				severity: anomaly.severity,
				detector: anomaly.detector,
				title: anomaly.title,
				detected: anomaly.detectedValue,
				expected: anomaly.expectedValue,
				threshold: anomaly.threshold,
				unit: anomaly.unit,
				tasks: anomaly.taskIds,
				over: anomaly.resolved,
			})),
		actions: observer.recommendations.map((recommendation) => ({
			type: recommendation.type,
			status: recommendation.status,
			by: recommendation.appliedBy,
			outcome: recommendation.outcome,
		})),
	};
}
export type SummaryFacts = ReturnType<typeof summaryFacts>;

export const SUMMARY_INSTRUCTIONS = [
	"You summarise an evaluation run of an AI coding agent for the engineers who ran it.",
	"Use only the facts in the JSON you are given: do not add causes, numbers, task ids or advice that are not in it.",
	"Name tasks as 'task <id>' with the ids in the facts, and amounts of money exactly as they appear there, with a dollar sign.",
	"Most severe findings first; if there are no findings, say the observer found nothing unusual.",
	"Plain prose, at most 120 words, no headings or lists.",
].join(" ");

export function summaryPrompt(facts: SummaryFacts): string {
	return `Facts about run ${facts.run.id}:\n${JSON.stringify(facts, null, 2)}`;
}

/**
 * What in a summary the facts do not support: task ids no finding names and dollar amounts no
 * number in the facts rounds to. Empty when it is grounded.
 */
export function ungroundedClaims(summary: string, facts: SummaryFacts): string[] {
	const claims: string[] = [];
	const taskIds = new Set(facts.findings.flatMap((finding) => finding.tasks));
	for (const match of summary.matchAll(/\btasks?\s+#?(\d+(?:\s*(?:,|and|&)\s*#?\d+)*)/gi)) {
		for (const id of (match[1] ?? "").match(/\d+/g) ?? []) {
			if (!taskIds.has(Number(id))) claims.push(`task ${id}`);
		}
	}
	const numbers = amountsIn(facts);
	for (const match of summary.matchAll(/\$\s?(\d+(?:\.\d+)?)/g)) {
		const text = match[1] ?? "";
		const value = Number(text);
		const decimals = text.includes(".") ? (text.split(".")[1]?.length ?? 0) : 0;
		const tolerance = 0.5 * 10 ** -decimals + 1e-9;
		if (!numbers.some((fact) => Math.abs(fact - value) <= tolerance)) claims.push(`$${text}`);
	}
	return claims;
}

/** The amounts of money in the facts: the `…Usd` totals and the values of findings measured in USD. */
function amountsIn(facts: SummaryFacts): number[] {
	const totals = [facts.run, facts.observer ?? {}].flatMap((part) =>
		Object.entries(part).flatMap(([key, value]) => (key.endsWith("Usd") && typeof value === "number" ? [value] : [])),
	);
	const findings = facts.findings
		.filter((finding) => finding.unit === "USD")
		.flatMap((finding) => [finding.detected, finding.expected, finding.threshold])
		.filter((value): value is number => value !== null);
	return [...totals, ...findings];
}

export interface SummaryOptions {
	/** `provider:model`; default: the session's. */
	model?: string;
	/** Provider settings (base URL, script, modelInfo); keys come from `env`. */
	settings?: Record<string, unknown>;
	env?: NodeJS.ProcessEnv;
	signal?: AbortSignal;
}

/** Writes the run's summary with its session's model (or `options.model`), stores it and returns it. */
export async function writeSummary(store: Store, runId: number, options: SummaryOptions = {}): Promise<string> {
	const session = await store.observer.session(runId);
	if (!session)
		throw new SummaryError(
			`Run ${runId} has no observer session: run it with --observer, or use evals observe ${runId}.`,
		);
	const modelSpec = options.model ?? session.model;
	if (!modelSpec) throw new SummaryError(`No model for the summary: give one with --observer-model provider:model.`);
	const report = await loadObserverReport(store, runId);
	if (!report) throw new SummaryError(`There is no run ${runId}.`);
	const facts = summaryFacts(report);
	const text = await askModel(
		modelSpec,
		{ ...(session.modelSettings ?? {}), ...(options.settings ?? {}) },
		facts,
		options,
	);
	const claims = ungroundedClaims(text, facts);
	if (claims.length > 0) {
		throw new SummaryError(
			`The model's summary mentions ${claims.slice(0, 5).join(", ")}, which the stored findings and totals do not hold: not stored.`,
		);
	}
	await store.observer.updateSession(runId, { summary: text, summaryAt: new Date() });
	return text;
}

async function askModel(
	modelSpec: string,
	extra: Record<string, unknown>,
	facts: SummaryFacts,
	options: SummaryOptions,
): Promise<string> {
	const spec = parseModelSpec(modelSpec);
	for (const key of Object.keys(extra)) {
		if (isSecretSettingKey(key))
			throw new SummaryError(`"${key}" is a secret: give it in the environment, not the observer config.`);
	}
	// Loaded here: most commands never write a summary, and the provider layer is large.
	const { resolveModel, withRetries } = await import("@agent-evals/agent");
	let resolved: ReturnType<typeof resolveModel>;
	try {
		resolved = resolveModel({ ...extra, ...spec.settings } as Settings, options.env ?? process.env);
	} catch (error) {
		throw new SummaryError(`Cannot use ${modelSpec} for the summary: ${(error as Error).message}`);
	}
	const result = await withRetries(
		async () =>
			await resolved.model.doGenerate({
				prompt: [
					{ role: "system", content: SUMMARY_INSTRUCTIONS },
					{ role: "user", content: [{ type: "text", text: summaryPrompt(facts) }] },
				],
				maxOutputTokens: MAX_OUTPUT_TOKENS,
				temperature: 0,
				abortSignal: options.signal,
			}),
		{ maxRetries: 2, signal: options.signal },
	).catch((error: unknown) => {
		throw new SummaryError(`The summary model ${modelSpec} failed: ${(error as Error).message}`);
	});
	const text = result.content
		.flatMap((part) => (part.type === "text" ? [part.text] : []))
		.join("")
		.trim();
	if (!text) throw new SummaryError(`The summary model ${modelSpec} answered with no text.`);
	return text;
}

function round(value: number): number {
	return Math.round(value * 10_000) / 10_000;
}
