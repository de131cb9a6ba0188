// A line that starts explaining a failure, in any of the toolchains' words.
const FAILURE_LINE = /error|fail|panic|exception|assert|traceback|could not|cannot|not found|timed out/i;

/**
 * The first lines of a grading's output that explain its outcome: from the first line that
 * mentions a failure (compiler errors, FAILED tests, a panic), or from the start when none does,
 * leaving out our own `#` notes and blank lines. For a summary under a verdict, not a full log.
 */
export function outputExcerpt(output: string, maxLines = 15): string {
	const lines = output.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("# "));
	const start = lines.findIndex((line) => !line.startsWith("$ ") && FAILURE_LINE.test(line));
	return lines.slice(Math.max(0, start), Math.max(0, start) + maxLines).join("\n");
}
