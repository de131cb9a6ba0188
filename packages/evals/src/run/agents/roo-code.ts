import { spawnSync } from "node:child_process";
import type { AgentAdapter, AgentLaunch, AgentProcess } from "./adapter.js";
import { spawnAgentProcess } from "./child-agent.js";

/**
 * Roo Code in VS Code: `code` opens the workspace with the extension installed and serves IPC on
 * the socket named by ROO_CODE_IPC_SOCKET_PATH, as Roo Code's own evals runner does. Needs a
 * display (or xvfb-run) and the extension; untested here, where neither exists.
 */
export class RooCodeAgentAdapter implements AgentAdapter {
	readonly name = "roo-code";
	readonly description = "Roo Code in VS Code (needs `code` on PATH with the Roo Code extension, and a display)";

	constructor(private readonly codeBinary = process.env.EVALS_VSCODE_BIN ?? "code") {}

	async unavailableReason(): Promise<string | undefined> {
		const probe = spawnSync(this.codeBinary, ["--version"], { stdio: "ignore" });
		return probe.error ? `VS Code ("${this.codeBinary}") is not on PATH` : undefined;
	}

	commandLine(launch: AgentLaunch): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
		return {
			command: this.codeBinary,
			args: ["--disable-workspace-trust", "--new-window", "--wait", launch.workspace],
			env: { ...launch.env, ROO_CODE_IPC_SOCKET_PATH: launch.socketPath },
		};
	}

	start(launch: AgentLaunch): Promise<AgentProcess> {
		const { command, args, env } = this.commandLine(launch);
		return spawnAgentProcess(command, args, { cwd: launch.workspace, env });
	}
}
