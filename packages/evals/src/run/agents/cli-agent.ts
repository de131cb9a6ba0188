import { createRequire } from "node:module";
import { readInstalled } from "@agent-evals/agent/agents-cache";
import type { CliAgentSpec } from "@agent-evals/agent/shim";
import type { AgentAdapter, AgentLaunch, AgentProcess } from "./adapter.js";
import { spawnAgentProcess } from "./child-agent.js";

/**
 * A third-party coding-agent CLI (Claude Code, Codex, …) behind `evals-agent --shim <name>`,
 * which serves our IPC protocol and runs the CLI installed in the agents cache. To the runner it
 * is an agent like any other.
 */
export class CliAgentAdapter implements AgentAdapter {
	readonly name: string;
	readonly description: string;

	constructor(private readonly spec: CliAgentSpec) {
		this.name = spec.name;
		this.description = `${spec.title} (${spec.package}) through the shim; install with \`evals agents install ${spec.name}\``;
	}

	async unavailableReason(): Promise<string | undefined> {
		const installed = await readInstalled(this.spec.name);
		if (!installed) return `${this.spec.title} is not installed: run \`evals agents install ${this.spec.name}\``;
		return undefined;
	}

	modelProblem(provider: string): string | undefined {
		if (this.spec.providers.includes(provider)) return undefined;
		return `The ${this.name} agent cannot use provider "${provider}": ${this.spec.providerNote}.`;
	}

	start(launch: AgentLaunch): Promise<AgentProcess> {
		const cli = createRequire(import.meta.url).resolve("@agent-evals/agent/cli");
		return spawnAgentProcess(
			process.execPath,
			[
				cli,
				"--shim",
				this.spec.name,
				"--workspace",
				launch.workspace,
				"--socket",
				launch.socketPath,
				"--storage",
				launch.storageDir,
			],
			{ cwd: launch.workspace, env: launch.env },
		);
	}
}
