// What a run changed from the defaults, as label/value pairs: one list for `evals show` and the
// run page. No zod and only type imports: the dashboard bundles this module.
import type { RunDetail } from "./api.js";

export interface RunOptionEntry {
	label: string;
	value: string;
}

/** Settings the model spec already says, or that get an entry of their own below. */
const SHOWN_ELSEWHERE = new Set(["apiProvider", "apiModelId", "fallbackApiProvider", "fallbackApiModelId"]);
const MAX_VALUE_CHARS = 60;

const clip = (text: string) => (text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text);
const hashed = (prompt: { text: string; sha256: string }) =>
	`${prompt.text.length} characters, sha256 ${prompt.sha256.slice(0, 12)}`;

/**
 * The run's settings (as stored: secrets redacted), its fallback model, tries and the prompts it
 * was given, by hash so two runs' prompts can be told apart at a glance. Empty for a run on
 * defaults. The system prompt is listed once, not also as the custom instructions it became.
 */
export function runOptionEntries(run: Pick<RunDetail, "settings" | "tries" | "prompts">): RunOptionEntry[] {
	const entries: RunOptionEntry[] = [];
	const { settings, prompts } = run;
	const system = prompts?.system;
	for (const [key, value] of Object.entries(settings)) {
		if (SHOWN_ELSEWHERE.has(key) || (key === "customInstructions" && value === system?.text)) continue;
		entries.push({ label: key, value: clip(typeof value === "string" ? value : JSON.stringify(value)) });
	}
	if (typeof settings.fallbackApiProvider === "string") {
		const model = [settings.fallbackApiProvider, settings.fallbackApiModelId].filter(Boolean).join(":");
		entries.push({ label: "fallback model", value: model });
	}
	if (run.tries > 1) entries.push({ label: "tries", value: String(run.tries) });
	if (system) entries.push({ label: "system prompt", value: hashed(system) });
	for (const [language, prompt] of Object.entries(prompts?.tasks ?? {})) {
		entries.push({ label: `${language} prompt`, value: hashed(prompt) });
	}
	return entries;
}
