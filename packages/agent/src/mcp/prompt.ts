import type { McpServerState, McpToolInfo } from "./connection.js";

const MAX_TOOLS = 100;
const MAX_RESOURCES = 50;
const MAX_DESCRIPTION = 300;
const MAX_PROPERTY_DESCRIPTION = 150;

function clip(text: string, max: number): string {
	const line = text.replace(/\s+/g, " ").trim();
	return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** "string", "integer|null", "array of string", `one of "a", "b"`: enough for the model to fill it in. */
function typeOf(schema: unknown): string {
	if (!isRecord(schema)) return "any";
	if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(", ")}`;
	if (schema.const !== undefined) return JSON.stringify(schema.const);
	const variants = schema.anyOf ?? schema.oneOf;
	if (Array.isArray(variants)) return variants.map(typeOf).join(" | ");
	const type = Array.isArray(schema.type)
		? schema.type.join("|")
		: typeof schema.type === "string"
			? schema.type
			: "any";
	if (type === "array" && isRecord(schema.items)) return `array of ${typeOf(schema.items)}`;
	return type;
}

/** The arguments of a tool, one per line: name, type, required, description. */
export function summarizeInputSchema(schema: Record<string, unknown>): string[] {
	const properties = isRecord(schema.properties) ? schema.properties : {};
	const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
	return Object.entries(properties).map(([name, property]) => {
		const description =
			isRecord(property) && typeof property.description === "string"
				? `: ${clip(property.description, MAX_PROPERTY_DESCRIPTION)}`
				: "";
		return `${name} (${typeOf(property)}${required.has(name) ? ", required" : ""})${description}`;
	});
}

function toolLines(tool: McpToolInfo): string[] {
	const lines = [`- ${tool.name}${tool.description ? `: ${clip(tool.description, MAX_DESCRIPTION)}` : ""}`];
	const args = summarizeInputSchema(tool.inputSchema);
	lines.push(args.length === 0 ? "  arguments: none" : `  arguments: ${args.join("; ")}`);
	return lines;
}

/**
 * The system prompt section that tells the model which servers it can use, with each enabled
 * tool (name, description, arguments) and the resources. Disabled tools are left out.
 */
export function mcpPromptSection(servers: readonly McpServerState[], userIntent?: string): string {
	const parts = [
		"# MCP servers",
		"These MCP servers are connected. Call their tools with use_mcp_tool (server_name, tool_name, arguments as a JSON object) and read their resources with access_mcp_resource (server_name, uri). Fill in a resource template's {placeholders} to get a URI.",
	];
	if (userIntent)
		parts.push(
			`The person who set up this task says the MCP servers are here to help with: ${clip(userIntent, 1_000)}`,
		);
	for (const server of servers) {
		const tools = server.tools.filter((tool) => tool.enabled);
		const section = [`## ${server.name} (${server.transport})`];
		if (tools.length > 0) {
			section.push("### Tools");
			for (const tool of tools.slice(0, MAX_TOOLS)) section.push(...toolLines(tool));
			if (tools.length > MAX_TOOLS) section.push(`- … and ${tools.length - MAX_TOOLS} more tools`);
		}
		if (server.resourceTemplates.length > 0) {
			section.push("### Resource templates");
			for (const template of server.resourceTemplates.slice(0, MAX_RESOURCES)) {
				const about = template.description ? `: ${clip(template.description, MAX_DESCRIPTION)}` : "";
				section.push(`- ${template.uriTemplate} (${template.name})${about}`);
			}
		}
		if (server.resources.length > 0) {
			section.push("### Resources");
			for (const resource of server.resources.slice(0, MAX_RESOURCES)) {
				const mime = resource.mimeType ? `, ${resource.mimeType}` : "";
				const about = resource.description ? `: ${clip(resource.description, MAX_DESCRIPTION)}` : "";
				section.push(`- ${resource.uri} (${resource.name}${mime})${about}`);
			}
			if (server.resources.length > MAX_RESOURCES) {
				section.push(`- … and ${server.resources.length - MAX_RESOURCES} more resources`);
			}
		}
		if (section.length === 1) section.push("(no tools or resources)");
		parts.push(section.join("\n"));
	}
	return parts.join("\n\n");
}
