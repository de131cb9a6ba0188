import type { AgentAdapter } from "./adapter.js";
import { BuiltinAgentAdapter } from "./builtin.js";
import { RooCodeAgentAdapter } from "./roo-code.js";

const adapters: Record<string, () => AgentAdapter> = {
	builtin: () => new BuiltinAgentAdapter(),
	"roo-code": () => new RooCodeAgentAdapter(),
};

export function agentNames(): string[] {
	return Object.keys(adapters);
}

export function getAgentAdapter(name: string): AgentAdapter {
	const make = adapters[name];
	if (!make) throw new Error(`Unknown agent "${name}". Known agents: ${agentNames().join(", ")}.`);
	return make();
}
