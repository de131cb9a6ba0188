/**
 * The messages both implementations carry, built once here so ours and node-ipc put identical
 * bytes on the wire.
 */

const TASK_ID = "0b8f3c1e-7d2a-4e5b-9a61-3c0d2f8e4b17";
const BASE_TS = 1_760_000_000_000;

// A partial assistant reply as Roo Code streams it: prose plus a code block, so the JSON has the
// quotes, backslashes and newlines real transcripts have, not just letters.
const TEXT = [
	"I'll update the retry logic so a failed upload is attempted again with exponential back-off instead of",
	"failing the whole task. The change is limited to `src/upload/client.ts`; nothing else calls this helper.",
	"",
	"```ts",
	"export async function uploadWithRetry(file: string, attempts = 5): Promise<void> {",
	"\tfor (let attempt = 1; ; attempt++) {",
	"\t\ttry {",
	"\t\t\treturn await upload(file);",
	"\t\t} catch (error) {",
	'\t\t\tif (attempt >= attempts) throw new Error("upload of " + file + " failed", { cause: error });',
	"\t\t\tawait sleep(2 ** attempt * 100);",
	"\t\t}",
	"\t}",
	"}",
	"```",
	"",
	"Next I will run the unit tests for the upload module and check that the C:\\temp fixtures still",
	"resolve on Windows, then look at whether the CLI needs a flag for the number of attempts. If the",
	"tests pass I will also add a short note to the changelog, since callers that relied on the old",
	"fail-fast behaviour will now wait up to three seconds before seeing the error.",
].join("\n");

/** A `message` TaskEvent of about 1 KB on the wire; `seq` makes each one distinct, as in a real stream. */
export function messageEvent(seq) {
	return {
		eventName: "message",
		payload: [
			{
				taskId: TASK_ID,
				action: "updated",
				message: { ts: BASE_TS + seq, type: "say", say: "text", text: TEXT, partial: true },
			},
		],
	};
}

export const getModesCommand = { commandName: "GetModes" };

export const modesResponseEvent = {
	eventName: "modesResponse",
	payload: [
		[
			{ slug: "code", name: "💻 Code" },
			{ slug: "architect", name: "🏗️ Architect" },
			{ slug: "ask", name: "❓ Ask" },
			{ slug: "debug", name: "🪲 Debug" },
		],
	],
};

/** Bytes one broadcast `message` event occupies on the socket, delimiter included. */
export function messageFrameBytes() {
	const frame = JSON.stringify({
		type: "message",
		data: { type: "TaskEvent", origin: "server", data: messageEvent(0) },
	});
	return Buffer.byteLength(frame) + 1;
}
