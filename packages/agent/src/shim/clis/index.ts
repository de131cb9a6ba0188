import type { CliAgentSpec } from "../spec.js";
import { claudeCode } from "./claude-code.js";
import { cline } from "./cline.js";
import { codex } from "./codex.js";
import { geminiCli } from "./gemini-cli.js";
import { opencode } from "./opencode.js";
import { qwenCode } from "./qwen-code.js";

/** Every CLI agent the shim can drive, by adapter name. */
export const cliAgents: readonly CliAgentSpec[] = [claudeCode, codex, geminiCli, qwenCode, opencode, cline];

export function findCliAgent(name: string): CliAgentSpec | undefined {
	return cliAgents.find((spec) => spec.name === name);
}

export function cliAgentNames(): string[] {
	return cliAgents.map((spec) => spec.name);
}
