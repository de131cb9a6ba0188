import { cliAgents } from "@agent-evals/agent/shim";
import type { AgentAdapter } from "./adapter.js";
import { BuiltinAgentAdapter } from "./builtin.js";
import { CliAgentAdapter } from "./cli-agent.js";
import { RooCodeAgentAdapter } from "./roo-code.js";

/*
 * Agent adapters by name. The built-in ones register below; a custom agent (or a test double)
 * plugs in with `registerAgentAdapter` without editing this file.
 */
const factories = new Map<string, () => AgentAdapter>();

/** Adds (or replaces) the adapter made by `factory` under `name`; returns a function that removes it. */
export function registerAgentAdapter(name: string, factory: () => AgentAdapter): () => void {
	factories.set(name, factory);
	return () => {
		if (factories.get(name) === factory) factories.delete(name);
	};
}

export function agentNames(): string[] {
	return [...factories.keys()];
}

export function getAgentAdapter(name: string): AgentAdapter {
	const make = factories.get(name);
	if (!make) throw new Error(`Unknown agent "${name}". Known agents: ${agentNames().join(", ")}.`);
	return make();
}

registerAgentAdapter("builtin", () => new BuiltinAgentAdapter());
registerAgentAdapter("roo-code", () => new RooCodeAgentAdapter());
for (const spec of cliAgents) registerAgentAdapter(spec.name, () => new CliAgentAdapter(spec));
