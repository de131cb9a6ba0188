import type { JSONSchema7 } from "@ai-sdk/provider";
import { jsonSchema, type Schema, type ToolSet, tool } from "ai";
import { z } from "zod";
import { applyDiffTool } from "./apply-diff.js";
import { askFollowupQuestionTool } from "./ask-followup-question.js";
import { attemptCompletionTool } from "./attempt-completion.js";
import { executeCommandTool } from "./execute-command.js";
import { errorMessage } from "./fs-utils.js";
import { listFilesTool } from "./list-files.js";
import { PathOutsideWorkspaceError } from "./paths.js";
import { readFileTool } from "./read-file.js";
import { searchFilesTool } from "./search-files.js";
import { truncateMiddle } from "./text.js";
import type { ToolContext, ToolDefinition, ToolResult } from "./types.js";
import { writeToFileTool } from "./write-to-file.js";

/** The tools the agent offers the model, in the order they are presented. */
export const builtinTools: ToolDefinition[] = [
	readFileTool,
	writeToFileTool,
	applyDiffTool,
	searchFilesTool,
	listFilesTool,
	executeCommandTool,
	askFollowupQuestionTool,
	attemptCompletionTool,
];

export function findTool(name: string, tools: readonly ToolDefinition[] = builtinTools): ToolDefinition | undefined {
	return tools.find((candidate) => candidate.name === name);
}

type ParsedArguments = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Arguments arrive as an object, or as the JSON text the model wrote (some providers and the
 * ipc path hand the raw string over). Some models encode the JSON twice; one extra level is undone.
 */
function parseArguments(raw: unknown): ParsedArguments {
	let value = raw;
	for (let depth = 0; depth < 2 && typeof value === "string"; depth++) {
		const text = value.trim();
		if (text === "") return { ok: true, value: {} };
		if (depth > 0 && !text.startsWith("{")) break;
		try {
			value = JSON.parse(text);
		} catch (error) {
			return { ok: false, error: `the arguments are not valid JSON (${errorMessage(error)})` };
		}
	}
	return { ok: true, value: value ?? {} };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
	let current = root;
	for (const key of path) {
		if (current === null || typeof current !== "object") return undefined;
		current = (current as Record<PropertyKey, unknown>)[key];
	}
	return current;
}

function describeType(value: unknown): string {
	if (value === null) return "null";
	if (Array.isArray(value)) return "array";
	return typeof value;
}

function formatIssue(issue: z.core.$ZodIssue, args: unknown): string {
	const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "arguments";
	if (issue.code === "invalid_type") {
		const value = valueAt(args, issue.path);
		const received = value === undefined ? "but it is missing" : `received ${describeType(value)}`;
		return `${where}: expected ${issue.expected}, ${received}`;
	}
	if (issue.code === "invalid_union") return `${where}: has none of the accepted forms`;
	return `${where}: ${issue.message}`;
}

/** Parameter names the model used that the tool does not have: usually the cause of the failure. */
function unknownParameters(schema: z.ZodType, args: unknown): string | undefined {
	if (!(schema instanceof z.ZodObject) || args === null || typeof args !== "object" || Array.isArray(args)) {
		return undefined;
	}
	const known = Object.keys(schema.shape);
	const unknown = Object.keys(args).filter((key) => !known.includes(key));
	if (unknown.length === 0) return undefined;
	return `Unknown parameter${unknown.length === 1 ? "" : "s"}: ${unknown.join(", ")}. The parameters are: ${known.join(", ")}.`;
}

// Tools keep their own output within maxOutputChars; this only catches a tool that does not.
const OUTPUT_SLACK = 2000;

/**
 * Validates the model's arguments and runs the tool. Never throws: invalid arguments, paths
 * outside the workspace and unexpected errors all become `ok: false` with a message the model
 * can act on.
 */
export async function runTool(tool: ToolDefinition, rawInput: unknown, context: ToolContext): Promise<ToolResult> {
	const fail = (output: string): ToolResult => {
		context.log.log("warn", `${tool.name} failed: ${output.split("\n", 1)[0] ?? ""}`);
		return { ok: false, output };
	};
	try {
		const args = parseArguments(rawInput);
		if (!args.ok) return fail(`Invalid arguments for ${tool.name}: ${args.error}`);
		const parsed = await tool.inputSchema.safeParseAsync(args.value);
		if (!parsed.success) {
			const problems = parsed.error.issues.map((issue) => formatIssue(issue, args.value)).join("; ");
			const hint = unknownParameters(tool.inputSchema, args.value);
			return fail(`Invalid arguments for ${tool.name}: ${problems}${hint ? `\n${hint}` : ""}`);
		}
		const result = await tool.execute(parsed.data, context);
		if (!result.ok) context.log.log("warn", `${tool.name} failed: ${result.output.split("\n", 1)[0] ?? ""}`);
		if (result.output.length > context.maxOutputChars + OUTPUT_SLACK) {
			return { ...result, output: truncateMiddle(result.output, context.maxOutputChars) };
		}
		return result;
	} catch (error) {
		if (error instanceof PathOutsideWorkspaceError) return fail(error.message);
		if (context.signal.aborted) {
			const reason = context.signal.reason;
			return fail(`${tool.name} was cancelled: ${reason instanceof Error ? reason.message : String(reason)}`);
		}
		return fail(`${tool.name} failed: ${errorMessage(error)}`);
	}
}

/** A tool as the model sees it: name, description and the JSON schema of its arguments. */
export interface ModelToolSchema {
	name: ToolDefinition["name"];
	description: string;
	inputSchema: Schema<unknown>;
}

// z.int() carries the safe-integer range into JSON schema; it tells the model nothing.
function withoutDefaultBounds(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(withoutDefaultBounds);
	if (node === null || typeof node !== "object") return node;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node)) {
		if (key === "maximum" && value === Number.MAX_SAFE_INTEGER) continue;
		if (key === "minimum" && value === Number.MIN_SAFE_INTEGER) continue;
		out[key] = withoutDefaultBounds(value);
	}
	return out;
}

/** The JSON schema shown to the model for a tool's arguments. */
export function modelJsonSchema(schema: z.ZodType): JSONSchema7 {
	// The output side of each schema is the strict, canonical form (numbers as numbers); the
	// lenient preprocessing in params.ts stays an implementation detail the model is not taught.
	const generated = z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "any" });
	return withoutDefaultBounds(generated) as JSONSchema7;
}

/**
 * Name, description and argument schema of each tool, as a list. The schemas carry no validator on
 * purpose: the AI SDK then hands arguments through unchanged and runTool is the one place that
 * validates them, with messages written for the model (and counted as tool failures).
 */
export function toolDescriptorsForModel(tools: readonly ToolDefinition[] = builtinTools): ModelToolSchema[] {
	return tools.map((definition) => ({
		name: definition.name,
		description: definition.description,
		inputSchema: jsonSchema<unknown>(modelJsonSchema(definition.inputSchema)),
	}));
}

/**
 * The tools for `streamText({ tools })`: each wrapped with the AI SDK's `tool({ description,
 * inputSchema })`, keyed by name, with no execute function, so the task loop runs them itself
 * through runTool.
 */
export function toolSchemasForModel(tools: readonly ToolDefinition[] = builtinTools): ToolSet {
	const set: ToolSet = {};
	for (const descriptor of toolDescriptorsForModel(tools)) {
		set[descriptor.name] = tool<unknown>({ description: descriptor.description, inputSchema: descriptor.inputSchema });
	}
	return set;
}
