import { runOptionEntries } from "@agent-evals/types/run-options";
import type { RunResponse } from "../api/types.js";
import { formatPercent } from "../lib/format.js";

/**
 * Under the run's numbers: the pass rate after each try (when tasks had several) and what the run
 * changed from the defaults (settings, fallback, tries, prompts by hash), so a number is read
 * knowing what the agent was told.
 */
export function RunOptions({ run }: { run: RunResponse }) {
	const entries = runOptionEntries(run.run);
	const byTry = run.stats.passRateByTry;
	return (
		<>
			{byTry.length > 0 && (
				<p className="muted pass-at-k" data-testid="pass-at-try" title="Pass rate after each try, over decided tasks">
					{byTry.map((rate, index) => `pass@try${index + 1} ${formatPercent(rate)}`).join(" · ")}
				</p>
			)}
			{entries.length > 0 && (
				<details className="card run-options" data-testid="run-options">
					<summary>Run options ({entries.length} changed from the defaults)</summary>
					<dl className="kv">
						{entries.map(({ label, value }) => (
							<div key={label} className="kv-row">
								<dt>{label}</dt>
								<dd className="mono">{value}</dd>
							</div>
						))}
					</dl>
				</details>
			)}
		</>
	);
}
