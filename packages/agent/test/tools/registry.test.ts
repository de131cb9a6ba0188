import { readFile } from "node:fs/promises";
import path from "node:path";
import { toolNames } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
	askFollowupQuestionTool,
	attemptCompletionTool,
	builtinTools,
	findTool,
	NO_USER_ANSWER,
	runTool,
	type ToolDefinition,
	toolDescriptorsForModel,
	toolSchemasForModel,
	writeToFileTool,
} from "../../src/tools/index.js";
import { makeContext, tempDir } from "./helpers.js";

describe("registry", () => {
	it("offers the eight built-in tools under their Roo Code names", () => {
		expect(builtinTools.map((tool) => tool.name)).toEqual([
			"read_file",
			"write_to_file",
			"apply_diff",
			"search_files",
			"list_files",
			"execute_command",
			"ask_followup_question",
			"attempt_completion",
		]);
		for (const tool of builtinTools) expect(toolNames).toContain(tool.name);
		expect(findTool("apply_diff")?.name).toBe("apply_diff");
		expect(findTool("browser_action")).toBeUndefined();
	});

	it("describes the tools for the model with JSON schemas", () => {
		const descriptors = toolDescriptorsForModel();
		const write = descriptors.find((descriptor) => descriptor.name === "write_to_file");
		expect(write?.description).toContain("Create a file");
		expect(write?.inputSchema.jsonSchema).toMatchObject({
			type: "object",
			properties: { path: { type: "string" }, content: { type: "string" }, line_count: { type: "integer" } },
			required: ["path", "content"],
		});
		// No validator: runTool validates, with messages for the model.
		expect(write?.inputSchema.validate).toBeUndefined();
		const set = toolSchemasForModel();
		expect(Object.keys(set)).toEqual(builtinTools.map((tool) => tool.name));
		expect(set.read_file?.description).toBe(findTool("read_file")?.description);
		expect(set.read_file?.execute).toBeUndefined();
	});

	it("rejects bad arguments with a message naming the parameter", async () => {
		const ws = await tempDir();
		const context = makeContext(ws);
		const missing = await runTool(writeToFileTool, { content: "x" }, context);
		expect(missing.ok).toBe(false);
		expect(missing.output).toContain("Invalid arguments for write_to_file: path: expected string");

		const wrongType = await runTool(writeToFileTool, { path: 42, content: "x" }, context);
		expect(wrongType.output).toBe("Invalid arguments for write_to_file: path: expected string, received number");

		const typo = await runTool(writeToFileTool, { file_path: "a.txt", content: "x" }, context);
		expect(typo.output).toContain("Unknown parameter: file_path. The parameters are: path, content, line_count.");

		const notJson = await runTool(writeToFileTool, '{"path": "a.txt", ', context);
		expect(notJson.ok).toBe(false);
		expect(notJson.output).toContain("not valid JSON");

		const notObject = await runTool(writeToFileTool, [1, 2], context);
		expect(notObject.output).toContain("arguments: expected object, received array");
	});

	it("accepts arguments as a JSON string, even encoded twice", async () => {
		const ws = await tempDir();
		const context = makeContext(ws);
		const args = JSON.stringify({ path: "a.txt", content: "hello\n" });
		expect((await runTool(writeToFileTool, args, context)).ok).toBe(true);
		expect(await readFile(path.join(ws, "a.txt"), "utf8")).toBe("hello\n");
		expect((await runTool(writeToFileTool, JSON.stringify(args), context)).ok).toBe(true);
	});

	it("turns thrown errors into ok:false", async () => {
		const ws = await tempDir();
		const throwing: ToolDefinition<{ path: string }> = {
			name: "read_file",
			description: "throws",
			inputSchema: z.object({ path: z.string() }),
			async execute() {
				throw new Error("disk on fire");
			},
		};
		await expect(runTool(throwing as ToolDefinition, { path: "x" }, makeContext(ws))).resolves.toEqual({
			ok: false,
			output: "read_file failed: disk on fire",
		});
	});
});

describe("ask_followup_question and attempt_completion", () => {
	it("answers that no user is available", async () => {
		const ws = await tempDir();
		const plain = await runTool(askFollowupQuestionTool, { question: "Which framework?" }, makeContext(ws));
		expect(plain).toEqual({ ok: true, output: NO_USER_ANSWER });
		for (const follow_up of [["React", "Vue"], [{ suggest: "React" }], [{ text: "React", mode: null }]]) {
			const suggested = await runTool(askFollowupQuestionTool, { question: "Which?", follow_up }, makeContext(ws));
			expect(suggested.ok).toBe(true);
			expect(suggested.output).toContain("pick the most sensible one");
		}
	});

	it("completes with the result text", async () => {
		const ws = await tempDir();
		const done = await runTool(
			attemptCompletionTool,
			{ result: "Implemented X.", command: "npm test" },
			makeContext(ws),
		);
		expect(done).toMatchObject({ ok: true, completion: "Implemented X." });
		const empty = await runTool(attemptCompletionTool, { result: "  " }, makeContext(ws));
		expect(empty.ok).toBe(false);
	});
});
