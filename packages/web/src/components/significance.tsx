import type { CompareResponse } from "../api/types.js";
import { formatCost, formatDuration, formatPercent } from "../lib/format.js";

type Comparison = CompareResponse["comparisons"][number];

const points = (fraction: number, signed = false) => {
	const value = Math.round(fraction * 1000) / 10;
	return `${signed && value >= 0 ? "+" : ""}${value.toFixed(1)}`;
};

/** How each measure reads: cost in dollars, duration as time, counts with one decimal. */
const measures: Array<{ key: string; label: string; format: (value: number) => string }> = [
	{ key: "cost", label: "Cost / task", format: (v) => formatCost(v) },
	{ key: "durationMs", label: "Duration / task", format: (v) => formatDuration(v) },
	{ key: "tokensIn", label: "Tokens in / task", format: (v) => Math.round(v).toLocaleString("en-US") },
	{ key: "tokensOut", label: "Tokens out / task", format: (v) => Math.round(v).toLocaleString("en-US") },
	{ key: "turns", label: "Turns / task", format: (v) => v.toFixed(1) },
	{ key: "mcpCalls", label: "MCP calls / task", format: (v) => v.toFixed(1) },
];

const signed = (text: string, value: number) => (value < 0 ? `−${text}` : `+${text}`);

/**
 * The statistics behind a comparison, per later run against the first: the verdict in words,
 * the pass-rate difference with its interval and McNemar's p, the other measures with theirs,
 * which exercises flipped, and what differs in how the runs were made.
 */
export function Significance({ response }: { response: CompareResponse }) {
	return (
		<div className="stack-sm" data-testid="significance">
			{response.comparisons.map((comparison) => (
				<ComparisonCard key={comparison.b} comparison={comparison} />
			))}
		</div>
	);
}

function tone(comparison: Comparison): string {
	if (!comparison.significant) return "neutral";
	return comparison.passRate.difference > 0 ? "good" : "bad";
}

function ComparisonCard({ comparison }: { comparison: Comparison }) {
	const { passRate } = comparison;
	return (
		<section
			className={`card significance significance-${tone(comparison)}`}
			data-testid="comparison"
			data-run={comparison.b}
		>
			<p className="significance-verdict" data-testid="verdict">
				#{comparison.b} vs #{comparison.a}: {comparison.verdict}
			</p>
			<div className="table-scroll">
				<table className="table significance-table">
					<thead>
						<tr>
							<th scope="col">Over {comparison.exercises} shared exercises</th>
							<th className="num">#{comparison.a}</th>
							<th className="num">#{comparison.b}</th>
							<th className="num">Difference [95% interval]</th>
						</tr>
					</thead>
					<tbody>
						<tr>
							<th scope="row">Pass rate</th>
							<td className="num">{formatPercent(passRate.a)}</td>
							<td className="num">{formatPercent(passRate.b)}</td>
							<td className="num" data-testid="pass-rate-difference">
								{points(passRate.difference, true)} pp [{points(passRate.interval.low)},{" "}
								{points(passRate.interval.high)}]
							</td>
						</tr>
						{measures.map(({ key, label, format }) => {
							const measure = comparison.measures[key];
							if (!measure) return null;
							return (
								<tr key={key}>
									<th scope="row">{label}</th>
									<td className="num">{format(measure.a)}</td>
									<td className="num">{format(measure.b)}</td>
									<td className="num">
										{signed(format(Math.abs(measure.difference)), measure.difference)} [
										{signed(format(Math.abs(measure.interval.low)), measure.interval.low)},{" "}
										{signed(format(Math.abs(measure.interval.high)), measure.interval.high)}]
									</td>
								</tr>
							);
						})}
					</tbody>
				</table>
			</div>
			<p className="muted">
				McNemar's exact test: {comparison.fixed} fixed, {comparison.broke} broke over {comparison.pairs} pairs, p ={" "}
				{comparison.pValue.toPrecision(2)}. The interval comes from a seeded paired bootstrap over exercises.
			</p>
			{(comparison.flips.fixed.length > 0 || comparison.flips.broke.length > 0) && (
				<p data-testid="flips">
					{comparison.flips.fixed.length > 0 && (
						<span className="text-good">Fixed: {comparison.flips.fixed.join(", ")}. </span>
					)}
					{comparison.flips.broke.length > 0 && (
						<span className="text-bad">Broke: {comparison.flips.broke.join(", ")}.</span>
					)}
				</p>
			)}
			{comparison.warnings.map((warning) => (
				<p key={warning} className="warning-line" data-testid="comparison-warning">
					The runs differ: {warning}
				</p>
			))}
		</section>
	);
}
