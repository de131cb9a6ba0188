import { spawn } from "node:child_process";
import { killProcessTree } from "@agent-evals/agent/process-tree";
import { type AgentProcess, AgentStartError } from "./adapter.js";

const STDERR_TAIL_CHARS = 4_000;

/**
 * Spawns an agent as the leader of its own process group, so that stopping it also stops
 * everything it started (test commands, language servers, VS Code helpers).
 */
export function spawnAgentProcess(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<AgentProcess> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			detached: true,
			stdio: ["ignore", "ignore", "pipe"],
		});
		let stderr = "";
		child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
			stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
		});
		let exitedFlag = false;
		const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
			child.once("exit", (code, signal) => {
				exitedFlag = true;
				done({ code, signal });
			});
		});
		child.once("error", (error) => reject(new AgentStartError(`cannot start ${command}: ${error.message}`)));
		child.once("spawn", () => {
			const pid = child.pid;
			resolve({
				pid,
				exited,
				get hasExited() {
					return exitedFlag;
				},
				async stop(graceMs = 2_000) {
					if (pid === undefined) return;
					await killProcessTree(pid, graceMs);
					if (!exitedFlag) await Promise.race([exited, new Promise((r) => setTimeout(r, 1_000))]);
				},
				stderrTail: () => stderr,
			});
		});
	});
}
