import type { CallToolResult, ContentBlock, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { truncateMiddle } from "../tools/text.js";

type ResourceContents = ReadResourceResult["contents"][number];

/** Bytes a base64 string decodes to, without decoding it. */
function base64Bytes(data: string): number {
	const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
	return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function describeContents(contents: ResourceContents): string {
	const mime = contents.mimeType ? ` (${contents.mimeType})` : "";
	if ("text" in contents && typeof contents.text === "string")
		return `[Resource ${contents.uri}${mime}]\n${contents.text}`;
	const blob = "blob" in contents && typeof contents.blob === "string" ? contents.blob : "";
	return `[Resource ${contents.uri}${mime}: ${base64Bytes(blob)} bytes of binary data, not shown]`;
}

/**
 * One content block as text. Tool results reach the model as text only (not every provider
 * accepts media inside a tool result), so images and audio are described, not passed on.
 */
function describeBlock(block: ContentBlock): string {
	switch (block.type) {
		case "text":
			return block.text;
		case "image":
			return `[Image (${block.mimeType}): ${base64Bytes(block.data)} bytes, not shown]`;
		case "audio":
			return `[Audio (${block.mimeType}): ${base64Bytes(block.data)} bytes, not shown]`;
		case "resource":
			return describeContents(block.resource);
		case "resource_link":
			return `[Resource link ${block.uri}${block.name ? ` "${block.name}"` : ""}${block.mimeType ? ` (${block.mimeType})` : ""}${block.description ? `: ${block.description}` : ""}]`;
		default:
			return `[Unsupported content: ${JSON.stringify(block).slice(0, 200)}]`;
	}
}

/** A tool result as the model reads it, at most `maxChars` long (the middle is cut). */
export function formatToolResult(result: CallToolResult, maxChars: number): string {
	let text = result.content.map(describeBlock).join("\n\n");
	if (text.trim() === "" && result.structuredContent !== undefined) {
		text = JSON.stringify(result.structuredContent, null, 2);
	}
	if (text.trim() === "")
		text = result.isError ? "The tool failed without a message." : "(The tool returned no content.)";
	return truncateMiddle(text, maxChars);
}

/** A resource as the model reads it, at most `maxChars` long. */
export function formatResourceResult(result: ReadResourceResult, maxChars: number): string {
	const text = result.contents.map(describeContents).join("\n\n");
	return truncateMiddle(text.trim() === "" ? "(The resource is empty.)" : text, maxChars);
}
