import { streamQuerySchema } from "@agent-evals/types";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { TaskEventRow } from "../../db/schema.js";
import type { ServerDeps } from "../deps.js";
import { badRequest, notFound } from "../errors.js";
import { type SseMessage, sseFrame, storedEventFrame } from "../sse-frame.js";
import type { RunListener } from "../stream-hub.js";
import { idParamSchema, valid } from "../validation.js";

export const KEEP_ALIVE_MS = 15_000;
const REPLAY_PAGE = 1000;
/** Ids remembered per stream to drop what both the replay and the live follower deliver. */
const REMEMBERED_IDS = 10_000;

/**
 * `GET /api/runs/:id/stream`: stored events after `Last-Event-ID` first, then live ones (each
 * with its store id), the run's summary as `event: run` whenever it changes, streaming message
 * text from the bus (no id: it is never stored), the observer's view as `event: observer` when
 * the run is observed (on connect, then whenever it changes), and a keep-alive comment.
 */
export function streamRoutes(deps: ServerDeps) {
	const { store, hub } = deps;
	return new Hono().get("/:id/stream", valid("param", idParamSchema), valid("query", streamQuerySchema), async (c) => {
		const { id: runId } = c.req.valid("param");
		const after = lastEventId(c.req.header("last-event-id"), c.req.valid("query").lastEventId);
		if (!(await store.runs.get(runId))) throw notFound(`There is no run ${runId}.`);
		c.header("X-Accel-Buffering", "no");

		return streamSSE(c, async (stream) => {
			let gone = false;
			let end = () => {};
			const ended = new Promise<void>((resolve) => {
				end = resolve;
			});
			stream.onAbort(() => end());
			c.req.raw.signal.addEventListener("abort", () => end(), { once: true });
			const onClosing = () => end();
			deps.closing.addEventListener("abort", onClosing, { once: true });
			if (deps.closing.aborted) end();
			/*
			 * Messages are framed as they come and written in batches: one write per turn of the
			 * event loop however many events arrived, instead of a promise per message per client
			 * (fifty clients of a busy run made that the server's bottleneck and its memory).
			 */
			let queued: string[] = [];
			let writing = false;
			const flush = async () => {
				writing = true;
				try {
					while (queued.length > 0 && !gone) {
						const text = queued.join("");
						queued = [];
						await stream.write(text);
					}
				} catch {
					// The client went away mid-write.
					gone = true;
					end();
				} finally {
					writing = false;
				}
			};
			const send = (message: SseMessage | string) => {
				if (gone) return;
				queued.push(typeof message === "string" ? message : sseFrame(message));
				if (!writing) void flush();
			};

			const sent = new Set<number>();
			const deliver = (row: TaskEventRow) => {
				if (row.id <= after || sent.has(row.id)) return;
				sent.add(row.id);
				if (sent.size > 2 * REMEMBERED_IDS) {
					let drop = sent.size - REMEMBERED_IDS;
					for (const id of sent) {
						if (drop-- <= 0) break;
						sent.delete(id);
					}
				}
				send(storedEventFrame(row));
			};

			// Live events that arrive while the replay is read wait for it, so ids go out in order.
			let replaying = true;
			const held: TaskEventRow[] = [];
			const listener: RunListener = {
				event: (row) => (replaying ? held.push(row) : deliver(row)),
				partial: (event) => {
					if (!replaying) send({ event: event.eventName, data: JSON.stringify(event) });
				},
				run: (summary) => {
					if (!replaying) send({ event: "run", data: JSON.stringify(summary) });
				},
				observer: (view) => {
					if (!replaying) send({ event: "observer", data: JSON.stringify(view) });
				},
			};
			const unsubscribe = await hub.subscribe(runId, listener);
			const keepAlive = setInterval(() => send(": keep-alive\n\n"), deps.keepAliveMs);
			try {
				send("retry: 2000\n\n");
				let cursor = after;
				for (;;) {
					const rows = await store.events.list(runId, { afterId: cursor, limit: REPLAY_PAGE });
					for (const row of rows) deliver(row);
					cursor = rows.at(-1)?.id ?? cursor;
					if (rows.length < REPLAY_PAGE || gone) break;
				}
				for (const row of held.sort((a, b) => a.id - b.id)) deliver(row);
				held.length = 0;
				replaying = false;
				const summary = await store.runs.summary(runId);
				if (summary) send({ event: "run", data: JSON.stringify(summary) });
				// A client that connects (or reconnects) learns the observer's state at once.
				if ((await store.observer.revision(runId)) !== null) {
					send({ event: "observer", data: JSON.stringify(await store.observer.view(runId)) });
				}
				await ended;
			} finally {
				clearInterval(keepAlive);
				deps.closing.removeEventListener("abort", onClosing);
				unsubscribe();
				gone = true;
			}
		});
	});
}

function lastEventId(header: string | undefined, query: number | undefined): number {
	if (header === undefined || header.trim() === "") return query ?? 0;
	const value = header.trim();
	if (!/^\d+$/.test(value)) throw badRequest(`Invalid Last-Event-ID "${value}": expected an event id.`);
	return Number(value);
}
