/**
 * Envelope: JSON frames <-> validated IPC messages. Every frame is node-ipc's wrapper
 * `{"type":"message","data":<IpcMessage>}`.
 */
import {
	clientToServerMessageSchema,
	type IpcMessage,
	NODE_IPC_EVENT,
	nodeIpcFrameSchema,
	serverToClientMessageSchema,
} from "@agent-evals/types";
import type { z } from "zod";
import { FRAME_DELIMITER } from "./framing.js";

export type DecodeResult<T> = { ok: true; message: T } | { ok: false; error: string };

/** Serialises a message as one complete frame, delimiter included. */
export function encodeFrame(message: IpcMessage): string {
	return JSON.stringify({ type: NODE_IPC_EVENT, data: message }) + FRAME_DELIMITER;
}

function decodeWith<S extends z.ZodType>(schema: S, frame: string): DecodeResult<z.infer<S>> {
	let json: unknown;
	try {
		json = JSON.parse(frame);
	} catch (error) {
		return { ok: false, error: `malformed JSON: ${(error as Error).message}` };
	}
	const outer = nodeIpcFrameSchema.safeParse(json);
	if (!outer.success) {
		return { ok: false, error: `not a node-ipc "message" frame: ${summarise(outer.error)}` };
	}
	const inner = schema.safeParse(outer.data.data);
	if (!inner.success) return { ok: false, error: `invalid message: ${summarise(inner.error)}` };
	return { ok: true, message: inner.data };
}

/** Decodes a frame a client sent to the server (only TaskCommand messages are valid). */
export function decodeClientFrame(frame: string) {
	return decodeWith(clientToServerMessageSchema, frame);
}

/** Decodes a frame a server sent to a client (Ack or TaskEvent). */
export function decodeServerFrame(frame: string) {
	return decodeWith(serverToClientMessageSchema, frame);
}

function summarise(error: z.ZodError): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
		.join("; ");
}

/** A frame shortened for a log line: never log megabytes of someone else's input. */
export function preview(frame: string, max = 120): string {
	return frame.length <= max ? frame : `${frame.slice(0, max)}… (${frame.length} chars)`;
}
