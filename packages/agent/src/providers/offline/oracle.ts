import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { type OfflineSettings, offlineSettingsSchema } from "@agent-evals/types";
import type { LanguageModelV3, LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { ProviderConfigError } from "../types.js";
import { generateOf, type OfflineTurn, streamOf, toolCallOutcomes } from "./turn-stream.js";

/**
 * The `oracle` model: no network, no tokens. It copies a reference solution into the workspace
 * with write_to_file, runs the test command with execute_command, and finishes with
 * attempt_completion — through the normal loop, so everything around the model (tools, events,
 * history, grading) is exercised for real. It decides each step from the conversation, so a
 * task resumed in a new process carries on where it stopped.
 */
export class OracleModel implements LanguageModelV3 {
	readonly specificationVersion = "v3";
	readonly provider = "oracle";
	readonly supportedUrls = {};
	private readonly solutionDir: string;
	private readonly testCommand: string | undefined;

	constructor(
		readonly modelId: string,
		settings: OfflineSettings,
	) {
		const dir = settings.oracleSolutionDir;
		if (!dir) {
			throw new ProviderConfigError(
				'The oracle model needs "oracleSolutionDir" in the configuration: an absolute path to the reference solution.',
			);
		}
		if (!isAbsolute(dir)) throw new ProviderConfigError(`"oracleSolutionDir" must be an absolute path, got "${dir}".`);
		this.solutionDir = dir;
		this.testCommand = settings.oracleTestCommand;
	}

	async doStream(options: LanguageModelV3CallOptions) {
		return streamOf(await this.nextTurn(options));
	}

	async doGenerate(options: LanguageModelV3CallOptions) {
		return generateOf(await this.nextTurn(options));
	}

	private async nextTurn(options: LanguageModelV3CallOptions): Promise<OfflineTurn> {
		const done = toolCallOutcomes(options.prompt).filter((call) => call.succeeded);
		const wrote = new Set(
			done.filter((call) => call.toolName === "write_to_file").map((call) => (call.input as { path?: string }).path),
		);
		for (const file of await listFiles(this.solutionDir)) {
			if (wrote.has(file)) continue;
			const content = await readFile(join(this.solutionDir, file), "utf8");
			return {
				text: `Writing ${file} from the reference solution.`,
				toolCalls: [{ name: "write_to_file", input: { path: file, content } }],
			};
		}
		const command = this.testCommand;
		if (command && !done.some((call) => call.toolName === "execute_command")) {
			return { text: "Running the tests.", toolCalls: [{ name: "execute_command", input: { command } }] };
		}
		return {
			text: "The reference solution is in place.",
			toolCalls: [{ name: "attempt_completion", input: { result: "Wrote the reference solution." } }],
		};
	}
}

/** Files under `dir`, as sorted workspace-relative paths with forward slashes. */
async function listFiles(dir: string): Promise<string[]> {
	let info: Awaited<ReturnType<typeof stat>>;
	try {
		info = await stat(dir);
	} catch {
		throw new ProviderConfigError(`"oracleSolutionDir" does not exist: ${dir}`);
	}
	if (!info.isDirectory()) throw new ProviderConfigError(`"oracleSolutionDir" is not a directory: ${dir}`);
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	return entries
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
		.sort();
}

export function parseOfflineSettings(settings: unknown): OfflineSettings {
	const parsed = offlineSettingsSchema.safeParse(settings);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new ProviderConfigError(
			`Invalid offline model configuration: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
		);
	}
	return parsed.data;
}
