import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../spawner/command.js";

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

/*
 * Each phase is one `sh` that runs the git commands in turn, not one spawn per git command: one
 * start through `runCommand` (the spawner helper, in a controller), the rest forked from the small
 * `sh`. The identity goes in as "$@".
 */
async function gitScript(cwd: string, script: string): Promise<string> {
	const { stdout } = await runCommand("sh", ["-c", script, "sh", ...IDENTITY], {
		cwd,
		// Never a repository around the workspace (an EVALS_HOME inside a checkout): only its own.
		env: { ...process.env, GIT_DIR: join(cwd, ".git"), GIT_WORK_TREE: cwd },
		maxBuffer: 64 * 1024 * 1024,
	});
	return stdout;
}

/** Commits the pristine workspace so the agent's changes can be shown as a diff afterwards. */
export async function commitBaseline(workspace: string): Promise<boolean> {
	try {
		// Written first: `git init` keeps an existing exclude file.
		await mkdir(join(workspace, ".git", "info"), { recursive: true });
		await writeFile(join(workspace, ".git", "info", "exclude"), `${EXCLUDES.join("\n")}\n`);
		await gitScript(
			workspace,
			'git "$@" init -q && git "$@" add -A && git "$@" commit -q --allow-empty --no-verify -m baseline',
		);
		return true;
	} catch {
		return false; // no git: the task still runs, without a diff
	}
}

/** What the agent changed since the baseline, as a unified diff (capped). */
export async function workspaceDiff(workspace: string): Promise<string> {
	try {
		const diff = await gitScript(workspace, 'git "$@" add -A && git "$@" diff --cached --no-color --no-ext-diff HEAD');
		return diff.length > MAX_DIFF_CHARS
			? `${diff.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters]\n`
			: diff;
	} catch (error) {
		return `(no diff: ${(error as Error).message.split("\n")[0]})`;
	}
}
