import type { TaskEventRow } from "../db/schema.js";

/** One server-sent event. */
export interface SseMessage {
	id?: string;
	event?: string;
	data: string;
}

/** The message as it goes on the wire; a `data` with line breaks becomes one `data:` line per line. */
export function sseFrame({ id, event, data }: SseMessage): string {
	let frame = "";
	if (event !== undefined) frame += `event: ${event}\n`;
	for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
	if (id !== undefined) frame += `id: ${id}\n`;
	return `${frame}\n`;
}

/*
 * Every stream watching a run receives the same stored rows (one follower per run hands each row
 * to all of them), so each row is serialised once, not once per client.
 */
const framed = new WeakMap<TaskEventRow, string>();

export function storedEventFrame(row: TaskEventRow): string {
	let frame = framed.get(row);
	if (frame === undefined) {
		frame = sseFrame({ id: String(row.id), event: row.eventName, data: JSON.stringify(row.event) });
		framed.set(row, frame);
	}
	return frame;
}
