// Prints the one-line test count CI reads ("N passed, N failed, N skipped") from vitest's JSON
// report. A run that failed before vitest wrote its report (install, lint, types) counts as one
// failure, so the line never claims success for a red build.
import { existsSync, readFileSync } from "node:fs";

const [reportPath, exitStatus = "0"] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (reportPath && existsSync(reportPath)) {
	const report = JSON.parse(readFileSync(reportPath, "utf8"));
	passed = report.numPassedTests ?? 0;
	failed = report.numFailedTests ?? 0;
	skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
	// A suite that failed to load has no failed tests but did fail.
	if (failed === 0 && (report.numFailedTestSuites ?? 0) > 0) failed = report.numFailedTestSuites;
}
if (failed === 0 && exitStatus !== "0") failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
