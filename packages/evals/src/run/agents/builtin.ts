import { createRequire } from "node:module";
import type { AgentAdapter, AgentLaunch, AgentProcess } from "./adapter.js";
import { spawnAgentProcess } from "./child-agent.js";

/** Our own headless agent, `evals-agent`, from the @agent-evals/agent package. */
export class BuiltinAgentAdapter implements AgentAdapter {
	readonly name: string = "builtin";
	readonly description = "evals-agent, the headless agent in this repository (any provider, offline models)";
	readonly reusable = true;

	async unavailableReason(): Promise<string | undefined> {
		try {
			agentCliPath();
			return undefined;
		} catch (error) {
			return `evals-agent is not built (${(error as Error).message}); run npm install`;
		}
	}

	start(launch: AgentLaunch): Promise<AgentProcess> {
		return spawnAgentProcess(
			process.execPath,
			[agentCliPath(), "--workspace", launch.workspace, "--socket", launch.socketPath, "--storage", launch.storageDir],
			// The agent shuts down when this process is gone, even if that happens before it starts.
			{ cwd: launch.workspace, env: { ...launch.env, EVALS_AGENT_PARENT_PID: String(process.pid) } },
		);
	}
}

function agentCliPath(): string {
	// Resolved through the package's exports to the compiled entry point, never its sources.
	return createRequire(import.meta.url).resolve("@agent-evals/agent/cli");
}
