import { execFile } from "node:child_process";
import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const IDENTITY = [
	"-c",
	"user.name=agent-evals",
	"-c",
	"user.email=agent-evals@localhost",
	"-c",
	"commit.gpgsign=false",
];
// Build output would drown the agent's real changes in the diff.
const EXCLUDES = [
	"node_modules/",
	"target/",
	"build/",
	"dist/",
	"__pycache__/",
	".pytest_cache/",
	".gradle/",
	"*.class",
];
export const MAX_DIFF_CHARS = 256 * 1024;

async function git(cwd: string, args: string[]): Promise<string> {
	const { stdout } = await run("git", [...IDENTITY, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
	return stdout;
}

/** Commits the pristine workspace so the agent's changes can be shown as a diff afterwards. */
export async function commitBaseline(workspace: string): Promise<boolean> {
	try {
		await git(workspace, ["init", "-q"]);
		await mkdir(join(workspace, ".git", "info"), { recursive: true });
		await appendFile(join(workspace, ".git", "info", "exclude"), `${EXCLUDES.join("\n")}\n`);
		await git(workspace, ["add", "-A"]);
		await git(workspace, ["commit", "-q", "--allow-empty", "-m", "baseline"]);
		return true;
	} catch {
		return false; // no git: the task still runs, without a diff
	}
}

/** What the agent changed since the baseline, as a unified diff (capped). */
export async function workspaceDiff(workspace: string): Promise<string> {
	try {
		await git(workspace, ["add", "-A"]);
		const diff = await git(workspace, ["diff", "--cached", "--no-color", "--no-ext-diff", "HEAD"]);
		return diff.length > MAX_DIFF_CHARS
			? `${diff.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters]\n`
			: diff;
	} catch (error) {
		return `(no diff: ${(error as Error).message.split("\n")[0]})`;
	}
}
