import { ApiError, createApiClient, messageOf } from "@agent-evals/types/api-client";
import { getToken } from "./token.js";
import type { ExportFormat } from "./types.js";

/*
 * The dashboard's API calls: the request core shared with the CLI (@agent-evals/types/api-client),
 * same-origin, with the token the user gave; plus downloads, which only a browser does.
 */

export { ApiError };

export function errorMessage(error: unknown): string {
	return messageOf(error);
}

const client = createApiClient({ baseUrl: "", token: () => getToken() ?? undefined });

function filenameFrom(response: Response, fallback: string): string {
	const disposition = response.headers.get("Content-Disposition") ?? "";
	const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
	return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

/**
 * Downloads go through fetch rather than a plain link so the Authorization header is sent when
 * the server wants a token.
 */
async function download(path: string, fallbackName: string): Promise<void> {
	const response = await client.send("GET", path);
	const blob = await response.blob();
	const url = URL.createObjectURL(blob);
	const anchor = document.createElement("a");
	anchor.href = url;
	anchor.download = filenameFrom(response, fallbackName);
	document.body.append(anchor);
	anchor.click();
	anchor.remove();
	// Revoking at once can cancel the download in some browsers.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const exportExtension: Record<ExportFormat, string> = { csv: "csv", json: "json", junit: "xml" };

export const api = {
	...client,
	exportRun: (id: number, format: ExportFormat) =>
		download(`/api/runs/${id}/export?format=${format}`, `run-${id}.${exportExtension[format]}`),
	downloadFailedLogs: (id: number) => download(`/api/runs/${id}/logs/failed`, `run-${id}-failed-logs.zip`),
	/** EventSource cannot send headers: the token travels as a query parameter. */
	streamUrl: (id: number) => {
		const token = getToken();
		return `/api/runs/${id}/stream${token ? `?token=${encodeURIComponent(token)}` : ""}`;
	},
};

/** Runs `work` over `items`, at most `limit` at a time; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	async function worker(): Promise<void> {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index] as T);
		}
	}
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}
