import type { OfflineSettings, ScriptTurn } from "@agent-evals/types";
import { APICallError, type LanguageModelV3, type LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { ProviderConfigError } from "../types.js";
import { abortableDelay, assistantTurns, generateOf, type OfflineTurn, streamOf } from "./turn-stream.js";

const RETRYABLE = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

/**
 * The `scripted` model plays `configuration.script`, one turn per call, in order. A model made
 * for a resumed task starts at the number of assistant turns already in the conversation, so
 * the script continues; after that it counts its own answers, because trimming the context
 * window removes old turns from the conversation. After the last turn it says it is done with
 * attempt_completion.
 */
export class ScriptedModel implements LanguageModelV3 {
	readonly specificationVersion = "v3";
	readonly provider = "scripted";
	readonly supportedUrls = {};
	private readonly script: ScriptTurn[];
	/** How many times each turn's error has been served: a retryable error fails `times` calls. */
	private readonly errorsServed = new Map<number, number>();
	private position: number | undefined;

	constructor(
		readonly modelId: string,
		settings: OfflineSettings,
	) {
		if (!settings.script) {
			throw new ProviderConfigError('The scripted model needs "script" in the configuration: an array of turns.');
		}
		this.script = settings.script;
	}

	async doStream(options: LanguageModelV3CallOptions) {
		return streamOf(await this.play(options));
	}

	async doGenerate(options: LanguageModelV3CallOptions) {
		return generateOf(await this.play(options));
	}

	private async play(options: LanguageModelV3CallOptions): Promise<OfflineTurn> {
		this.position ??= assistantTurns(options.prompt);
		const index = this.position;
		const turn = this.script[index];
		if (!turn) {
			return {
				text: "The script is finished.",
				toolCalls: [{ name: "attempt_completion", input: { result: "Script finished." } }],
			};
		}
		await abortableDelay(turn.delayMs ?? 0, options.abortSignal);
		if (turn.error !== undefined) this.fail(index, turn.error);
		this.position = index + 1;
		return turn;
	}

	private fail(index: number, error: NonNullable<ScriptTurn["error"]>): void {
		if (typeof error === "string") {
			throw new APICallError({ message: error, url: "scripted://model", requestBodyValues: {}, isRetryable: false });
		}
		const served = this.errorsServed.get(index) ?? 0;
		if (served >= (error.times ?? 1)) return;
		this.errorsServed.set(index, served + 1);
		const status = error.status ?? 500;
		throw new APICallError({
			message: error.message ?? `scripted error ${status}`,
			url: "scripted://model",
			requestBodyValues: {},
			statusCode: status,
			responseHeaders: error.retryAfterSeconds !== undefined ? { "retry-after": String(error.retryAfterSeconds) } : {},
			isRetryable: RETRYABLE(status),
		});
	}
}
