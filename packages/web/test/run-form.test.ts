import { providerIds } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import {
	defaultRunForm,
	issuesToFieldErrors,
	matchesExerciseSearch,
	parseMcpConfig,
	plannedTaskCount,
	providerChoices,
	validateRunForm,
} from "../src/lib/run-form.js";

describe("validateRunForm", () => {
	it("sends settings, prompts, tries and the fallback only when given, and checks them first", () => {
		const { request, errors } = validateRunForm({
			...defaultRunForm,
			settings: ' {"modelTemperature": 0} ',
			systemPrompt: "Be terse.",
			prompts: { python: "Solve it.", go: "  " },
			tries: "2",
			fallbackModel: " openrouter:anthropic/claude-sonnet-4.5 ",
		});
		expect(errors).toEqual({});
		expect(request).toMatchObject({
			settings: { modelTemperature: 0 },
			systemPrompt: "Be terse.",
			prompts: { python: "Solve it." },
			tries: 2,
			fallbackModel: "openrouter:anthropic/claude-sonnet-4.5",
		});

		const bad = validateRunForm({
			...defaultRunForm,
			settings: "[1]",
			tries: "4",
			fallbackModel: "oracle",
		});
		expect(bad.request).toBeUndefined();
		expect(bad.errors).toEqual({
			settings: 'Needs a JSON object of settings, e.g. {"modelTemperature": 0}',
			tries: "Tries must be between 1 and 3",
			fallbackModel: "The fallback must differ from the model",
		});
		expect(validateRunForm({ ...defaultRunForm, settings: "{oops" }).errors.settings).toMatch(/^Not valid JSON/);
		expect(validateRunForm({ ...defaultRunForm, fallbackModel: "not a model" }).errors.fallbackModel).toMatch(
			/provider:model/,
		);
	});

	it("puts the server's issues about settings and the fallback on their fields", () => {
		const { fields, other } = issuesToFieldErrors([
			{ path: "settings.modelTemprature", message: "Unknown setting" },
			{ path: "fallbackModel", message: "Unknown provider" },
			{ path: "tries", message: "Too many" },
		]);
		expect(fields).toEqual({ settings: "Unknown setting", fallbackModel: "Unknown provider", tries: "Too many" });
		expect(other).toEqual([]);
	});

	it("sends the observer only with a level, and refuses a budget or steering without one", () => {
		expect(validateRunForm(defaultRunForm).request?.observer).toBeUndefined();
		const observed = validateRunForm({
			...defaultRunForm,
			observerLevel: "full",
			steering: "suggest",
			insights: "export",
			budgetUsd: " 2.5 ",
		});
		expect(observed.errors).toEqual({});
		expect(observed.request?.observer).toEqual({
			level: "full",
			steering: "suggest",
			insights: "export",
			budgetUsd: 2.5,
		});
		// The level's own steering default is the server's to apply: nothing is sent for it.
		expect(validateRunForm({ ...defaultRunForm, observerLevel: "autonomous" }).request?.observer).toEqual({
			level: "autonomous",
			insights: "store",
		});
		expect(validateRunForm({ ...defaultRunForm, budgetUsd: "5" }).errors).toEqual({
			observer: "Choose an observer level: the budget and steering need the observer",
		});
		expect(validateRunForm({ ...defaultRunForm, steering: "auto" }).errors.observer).toMatch(
			/^Choose an observer level/,
		);
		for (const budgetUsd of ["0", "-1", "lots"]) {
			expect(validateRunForm({ ...defaultRunForm, observerLevel: "basic", budgetUsd }).errors).toEqual({
				observer: "The budget must be a number of USD above 0",
			});
		}
		// The server's path for a bad observer value lands on the observer section.
		expect(issuesToFieldErrors([{ path: "observer.budgetUsd", message: "must be more than 0" }]).fields).toEqual({
			observer: "must be more than 0",
		});
	});

	it("asks for a fresh agent per task only when ticked", () => {
		expect(validateRunForm(defaultRunForm).request).not.toHaveProperty("freshAgent");
		expect(validateRunForm({ ...defaultRunForm, freshAgent: true }).request).toMatchObject({ freshAgent: true });
	});

	it("accepts the defaults as an oracle smoke run", () => {
		const { request, errors } = validateRunForm(defaultRunForm);
		expect(errors).toEqual({});
		expect(request).toEqual({
			model: "oracle",
			agent: "builtin",
			concurrency: 2,
			timeoutMinutes: 5,
			iterations: 1,
			commandTimeoutSeconds: 120,
		});
	});

	it("builds provider:model and the exercise selection", () => {
		const { request } = validateRunForm({
			...defaultRunForm,
			provider: "anthropic",
			modelId: " claude-sonnet-4-5 ",
			exerciseMode: "picked",
			exercises: ["python/b", "go/a"],
			suite: " /suites/x ",
			name: " nightly ",
			description: "why",
		});
		expect(request).toMatchObject({
			model: "anthropic:claude-sonnet-4-5",
			exercises: ["go/a", "python/b"],
			suite: "/suites/x",
			name: "nightly",
			description: "why",
		});
		expect(validateRunForm({ ...defaultRunForm, exerciseMode: "all" }).request?.all).toBe(true);
		expect(
			validateRunForm({ ...defaultRunForm, exerciseMode: "languages", languages: ["rust", "go"] }).request?.include,
		).toEqual(["go", "rust"]);
	});

	it("reports every problem on its field", () => {
		const { request, errors } = validateRunForm({
			...defaultRunForm,
			provider: "openai",
			modelId: "",
			concurrency: "26",
			timeoutMinutes: "0",
			iterations: "1.5",
			commandTimeoutSeconds: "",
			exerciseMode: "languages",
		});
		expect(request).toBeUndefined();
		expect(Object.keys(errors).sort()).toEqual(
			["commandTimeoutSeconds", "concurrency", "include", "iterations", "model", "timeoutMinutes"].sort(),
		);
		expect(errors.concurrency).toBe("Concurrency must be between 1 and 25");
		expect(errors.iterations).toBe("Iterations must be a whole number");
	});
});

describe("server issues", () => {
	it("places issues on fields by their path and keeps the rest", () => {
		const { fields, other } = issuesToFieldErrors([
			{ path: "concurrency", message: "must be at most 25" },
			{ path: "exercises.0", message: "unknown exercise" },
			{ path: "otel", message: "unknown mode" },
			{ path: "", message: "bad body" },
		]);
		expect(fields).toEqual({ concurrency: "must be at most 25", exercises: "unknown exercise" });
		expect(other).toEqual(["otel: unknown mode", "bad body"]);
	});
});

describe("exercise selection helpers", () => {
	it("matches every word of a search", () => {
		expect(matchesExerciseSearch({ language: "python", exercise: "roman-numerals" }, "py roman")).toBe(true);
		expect(matchesExerciseSearch({ language: "python", exercise: "roman-numerals" }, "go roman")).toBe(false);
		expect(matchesExerciseSearch({ language: "python", exercise: "roman-numerals" }, "")).toBe(true);
	});

	it("counts planned tasks", () => {
		const catalog = [
			{ language: "go", exercise: "a" },
			{ language: "go", exercise: "b" },
			{ language: "rust", exercise: "c" },
		];
		expect(plannedTaskCount({ ...defaultRunForm, exerciseMode: "all", iterations: "2" }, catalog)).toBe(6);
		expect(plannedTaskCount({ ...defaultRunForm, exerciseMode: "languages", languages: ["go"] }, catalog)).toBe(2);
		expect(plannedTaskCount({ ...defaultRunForm, exerciseMode: "picked", exercises: ["go/a"] }, null)).toBe(1);
		expect(plannedTaskCount({ ...defaultRunForm, exerciseMode: "smoke" }, catalog)).toBeNull();
	});

	it("offers every provider the server accepts except the test double", () => {
		expect([...providerChoices].sort()).toEqual(providerIds.filter((id) => id !== "scripted").sort());
	});
});

describe("the MCP part of the form", () => {
	const config = JSON.stringify({
		mcpServers: { docs: { command: "docs-mcp" }, db: { url: "http://x/mcp", type: "sse" } },
	});

	it("reads the servers of a pasted mcp.json, and says what is wrong with a bad one", () => {
		expect(parseMcpConfig("")).toEqual({ servers: [] });
		expect(parseMcpConfig(config).servers).toEqual(["docs", "db"]);
		expect(parseMcpConfig("{oops").error).toMatch(/^Not valid JSON/);
		expect(parseMcpConfig('{"mcpServers": {}}').error).toMatch(/at least one server/);
	});

	it("sends the config with the ticked servers that still exist, the intent and the A/B choice", () => {
		const { request, errors } = validateRunForm({
			...defaultRunForm,
			mcpConfig: config,
			mcpServers: ["db", "gone"],
			userIntent: "  query the database ",
			mcpAb: true,
		});
		expect(errors).toEqual({});
		expect(request?.mcp).toEqual({
			config: JSON.parse(config),
			servers: ["db"],
			userIntent: "query the database",
			ab: true,
		});
		expect(validateRunForm(defaultRunForm).request?.mcp).toBeUndefined();
		expect(validateRunForm({ ...defaultRunForm, mcpAb: true }).errors.mcp).toBe("Paste an MCP config first");
		expect(validateRunForm({ ...defaultRunForm, mcpConfig: "[1]" }).errors.mcp).toMatch(/mcpServers/);
	});
});
