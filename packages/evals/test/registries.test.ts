import { describe, expect, it } from "vitest";
import { getRunner, registerRunner, runnerLanguages } from "../src/grading/registry.js";
import type { LanguageRunner } from "../src/grading/runner.js";
import { agentNames, getAgentAdapter, registerAgentAdapter } from "../src/run/agents/registry.js";
import { LocalSandbox, type Sandbox, UnknownSandboxError } from "../src/sandbox/index.js";
import { getSandbox, registerSandbox, sandboxNames } from "../src/sandbox/registry.js";

// A custom agent, sandbox or grader plugs in by name, without editing a switch, and goes away again.
describe("open registries", () => {
	it("sandboxes", () => {
		const custom: Sandbox = { name: "custom", exec: (command, options) => new LocalSandbox().exec(command, options) };
		expect(sandboxNames()).toContain("local");
		const unregister = registerSandbox("custom", () => custom);
		expect(getSandbox("custom")).toBe(custom);
		unregister();
		expect(() => getSandbox("custom")).toThrow(UnknownSandboxError);
		expect(() => getSandbox("custom")).toThrow('unknown sandbox "custom"; known: local');
	});

	it("agent adapters", () => {
		expect(agentNames()).toEqual(expect.arrayContaining(["builtin", "roo-code"]));
		const unregister = registerAgentAdapter("mine", () => ({
			name: "mine",
			description: "a test agent",
			unavailableReason: async () => "not here",
			start: () => Promise.reject(new Error("never")),
		}));
		expect(getAgentAdapter("mine").name).toBe("mine");
		unregister();
		expect(() => getAgentAdapter("mine")).toThrow(/Unknown agent "mine"\. Known agents: builtin, roo-code/);
	});

	it("graders, with the built-in one restored afterwards", async () => {
		const stub: LanguageRunner = {
			language: "go",
			requiredTools: [],
			grade: async () => ({ verdict: "passed", summary: "stub", output: "", commands: [], durationMs: 0 }),
		};
		const builtin = getRunner("go");
		const restore = registerRunner("go", () => stub);
		expect(getRunner("go")).toBe(stub);
		restore();
		expect(getRunner("go").constructor).toBe(builtin.constructor);
		expect(runnerLanguages()).toEqual(["cpp", "go", "java", "javascript", "python", "rust", "typescript"]);
	});
});
