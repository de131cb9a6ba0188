import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings, SettingsError } from "../src/config/settings.js";

function setup(global?: unknown, project?: unknown) {
	const home = mkdtempSync(join(tmpdir(), "agent-home-"));
	const workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
	if (global !== undefined)
		writeFileSync(join(home, "settings.json"), typeof global === "string" ? global : JSON.stringify(global));
	if (project !== undefined) {
		mkdirSync(join(workspace, ".roo"));
		writeFileSync(
			join(workspace, ".roo", "settings.json"),
			typeof project === "string" ? project : JSON.stringify(project),
		);
	}
	return { workspace, env: { AGENT_EVALS_HOME: home } as NodeJS.ProcessEnv, home };
}

describe("loadSettings", () => {
	it("layers defaults < global < project < environment < IPC configuration", () => {
		const { workspace, env } = setup(
			{ apiProvider: "anthropic", apiModelId: "global-model", commandExecutionTimeout: 10, customKey: "g" },
			{ apiModelId: "project-model", commandExecutionTimeout: 20 },
		);
		env.AGENT_EVALS_COMMAND_TIMEOUT = "30";
		const settings = loadSettings({ workspace, env, overrides: { apiModelId: "ipc-model" } });
		expect(settings.apiProvider).toBe("anthropic");
		expect(settings.apiModelId).toBe("ipc-model");
		expect(settings.commandExecutionTimeout).toBe(30);
		expect(settings.customKey).toBe("g");
		expect(settings.autoApprovalEnabled).toBe(true);
	});

	it("uses the defaults when there are no files", () => {
		const { workspace, env } = setup();
		const settings = loadSettings({ workspace, env });
		expect(settings.alwaysAllowExecute).toBe(true);
		expect(settings.consecutiveMistakeLimit).toBe(3);
	});

	it('reads a cleared field ("") as not set where a value is required, as Roo Code does', () => {
		const { workspace, env } = setup({ apiModelId: "global-model" });
		const settings = loadSettings({
			workspace,
			env,
			overrides: { apiModelId: "", openAiBaseUrl: "", customInstructions: "", constructor: "" },
		});
		expect(settings.apiModelId).toBe("global-model");
		expect(settings).not.toHaveProperty("openAiBaseUrl");
		// "" is a valid value here, so it stays and replaces nothing but itself.
		expect(settings.customInstructions).toBe("");
		expect(Object.hasOwn(settings, "constructor")).toBe(true);
	});

	it("refuses a base URL that is set but not a URL, naming the key", () => {
		const { workspace, env } = setup();
		expect(() => loadSettings({ workspace, env, overrides: { openAiBaseUrl: "not a url" } })).toThrow(
			/StartNewTask configuration.*"openAiBaseUrl"/,
		);
	});

	it("names the file and the key of an invalid value", () => {
		const { workspace, env } = setup(undefined, { alwaysAllowWrite: "yes" });
		expect(() => loadSettings({ workspace, env })).toThrow(SettingsError);
		expect(() => loadSettings({ workspace, env })).toThrow(
			new RegExp(
				`${join(workspace, ".roo", "settings.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*"alwaysAllowWrite"`,
			),
		);
	});

	it("names the file that is not JSON", () => {
		const { workspace, env, home } = setup("{ not json");
		expect(() => loadSettings({ workspace, env })).toThrow(
			`Settings file ${join(home, "settings.json")} is not valid JSON`,
		);
	});

	it("rejects a settings file that is not an object", () => {
		const { workspace, env } = setup("[1,2]");
		expect(() => loadSettings({ workspace, env })).toThrow(/expected a JSON object/);
	});

	it("rejects a non-numeric environment value with the variable's name", () => {
		const { workspace, env } = setup();
		env.AGENT_EVALS_MAX_REQUESTS = "many";
		expect(() => loadSettings({ workspace, env })).toThrow(/AGENT_EVALS_MAX_REQUESTS must be a number/);
	});
});
