/**
 * Hostile-input fuzzing of a live IpcServer. The server sits in an agent that may run for hours
 * next to whatever else can reach its socket, so no input may crash it, leak a connection, or
 * disturb a well-behaved runner on another connection.
 *
 * Deterministic: the frames come from a seeded PRNG (FUZZ_SEED=<n> to replay or explore). Socket
 * scheduling is not deterministic, so every assertion is one that must hold under any interleaving.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { decodeServerFrame, encodeFrame, IpcClient, type IpcLogLevel, IpcServer } from "@agent-evals/ipc";
import {
	IpcMessageType,
	IpcOrigin,
	providerIds,
	RooCodeEventName,
	type TaskCommand,
	TaskCommandName,
	type TaskEvent,
} from "@agent-evals/types";
import { afterEach, beforeEach, expect, it } from "vitest";

const DEFAULT_SEED = 0x1f_c0ffee;
const seed = parseSeed(process.env.FUZZ_SEED) ?? DEFAULT_SEED;
const ITEMS = 12_000;
const MIN_HOSTILE_FRAMES = 10_000;
const RAW_SOCKETS = 6;
// Small, so oversized frames are cheap to produce.
const MAX_FRAME_BYTES = 64 * 1024;
const PROBE_EVERY = 1_000;
const FF = 0x0c;

function parseSeed(value: string | undefined): number | undefined {
	if (value === undefined || value === "") return undefined;
	const parsed = Number(value);
	if (!Number.isSafeInteger(parsed)) throw new Error(`FUZZ_SEED must be an integer, got "${value}"`);
	return parsed >>> 0;
}

/** mulberry32: tiny, fast, and good enough to pick fuzz cases. */
class Rng {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	}

	/** Integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error("pick from an empty list");
		return items[this.int(0, items.length - 1)] as T;
	}

	bytes(length: number): Buffer {
		const buffer = Buffer.allocUnsafe(length);
		for (let i = 0; i < length; i += 4) {
			const word = (this.next() * 4_294_967_296) >>> 0;
			for (let j = 0; j < 4 && i + j < length; j++) buffer[i + j] = (word >>> (8 * j)) & 0xff;
		}
		return buffer;
	}

	hex(length: number): string {
		let out = "";
		for (let i = 0; i < length; i++) out += "0123456789abcdef"[this.int(0, 15)];
		return out;
	}

	/** Text that stresses encoders: multi-byte UTF-8, form feeds, controls, quotes, lone surrogates. */
	text(maxLength: number): string {
		const pieces = [
			"a",
			"Z",
			" ",
			"✓",
			"漢",
			"🚀",
			"é",
			"\f",
			"\n",
			"\t",
			"\u0000",
			"\u2028",
			'"',
			"\\",
			"\ud800",
			"{",
			"]",
		];
		let out = "";
		const length = this.int(0, maxLength);
		for (let i = 0; i < length; i++)
			out += this.chance(0.6) ? String.fromCharCode(this.int(0x20, 0x7e)) : this.pick(pieces);
		return out;
	}
}

function validCommand(rng: Rng): TaskCommand {
	switch (rng.int(0, 9)) {
		case 0:
			return {
				commandName: TaskCommandName.StartNewTask,
				data: {
					configuration: {
						apiProvider: rng.pick(providerIds),
						modelTemperature: rng.int(0, 20) / 10,
						customInstructions: rng.text(200),
						[`x-${rng.hex(4)}`]: rng.chance(0.5) ? rng.text(20) : rng.int(0, 1e9),
					},
					text: rng.text(500),
					...(rng.chance(0.3) ? { images: [rng.text(40)] } : {}),
					...(rng.chance(0.5) ? { newTab: rng.chance(0.5) } : {}),
				},
			};
		case 1:
			return rng.chance(0.5)
				? { commandName: TaskCommandName.CancelTask }
				: { commandName: TaskCommandName.CancelTask, data: rng.text(30) };
		case 2:
			return { commandName: TaskCommandName.CloseTask, data: rng.hex(8) };
		case 3:
			return { commandName: TaskCommandName.ResumeTask, data: `t${rng.text(30)}` };
		case 4:
			return { commandName: TaskCommandName.SendMessage, data: { text: rng.text(300) } };
		case 5:
			return {
				commandName: rng.pick([TaskCommandName.GetCommands, TaskCommandName.GetModes, TaskCommandName.GetModels]),
			};
		case 6:
			return { commandName: TaskCommandName.DeleteQueuedMessage, data: `m${rng.hex(6)}` };
		case 7:
			return { commandName: TaskCommandName.CancelCommand };
		default:
			return {
				commandName: TaskCommandName.SetTaskContext,
				data: {
					taskId: rng.int(0, 1e6),
					rooTaskId: rng.hex(12),
					runId: rng.int(0, 1e4),
					traceparent: `00-${rng.hex(32)}-${rng.hex(16)}-01`,
				},
			};
	}
}

function commandFrame(clientId: string, command: TaskCommand): string {
	return encodeFrame({ type: IpcMessageType.TaskCommand, origin: IpcOrigin.Client, clientId, data: command });
}

/** One write unit. `expect` is set when the server must deliver it; `drop` when it must log a drop. */
interface Item {
	kind: string;
	bytes: Buffer;
	expect?: TaskCommand;
	drop: boolean;
}

const frame = (text: string): Buffer => Buffer.from(`${text}\f`);

/** Replaces whatever id the frame carries; the outer shape stays valid so only the id is wrong. */
function withClientId(command: TaskCommand, clientId: unknown): Buffer {
	return frame(
		JSON.stringify({
			type: "message",
			data: { type: IpcMessageType.TaskCommand, origin: IpcOrigin.Client, clientId, data: command },
		}),
	);
}

function hostileItem(rng: Rng, ownId: string, otherIds: readonly string[]): Item {
	const roll = rng.int(0, 99);
	if (roll < 18)
		return { kind: "random bytes", bytes: Buffer.concat([rng.bytes(rng.int(1, 2048)), Buffer.of(FF)]), drop: false };
	if (roll < 28) {
		const bytes = rng.bytes(rng.int(1, 1024));
		for (let i = 0; i < bytes.length; i++) if (rng.chance(0.1)) bytes[i] = FF;
		return { kind: "binary with form feeds", bytes: Buffer.concat([bytes, Buffer.of(FF)]), drop: false };
	}
	if (roll < 42) {
		const whole = Buffer.from(commandFrame(rng.pick([ownId, ...otherIds]), validCommand(rng)).slice(0, -1));
		const cut = rng.int(1, whole.length - 1);
		return { kind: "truncated frame", bytes: Buffer.concat([whole.subarray(0, cut), Buffer.of(FF)]), drop: true };
	}
	if (roll < 60) return { kind: "wrong shape", bytes: frame(wrongShape(rng, ownId)), drop: true };
	if (roll < 76) {
		// An all-digit id upper-cases to itself, which would be a valid frame.
		const candidates = [
			...otherIds,
			rng.hex(12),
			ownId.toUpperCase(),
			`${ownId}0`,
			` ${ownId}`,
			"",
			"../../etc/passwd",
		];
		const clientId = rng.pick(candidates.filter((candidate) => candidate !== ownId));
		return { kind: "wrong clientId", bytes: withClientId(validCommand(rng), clientId), drop: true };
	}
	if (roll < 79) {
		const huge = "x".repeat(rng.int(20_000, MAX_FRAME_BYTES - 1_000));
		const bytes = rng.chance(0.5)
			? withClientId({ commandName: TaskCommandName.SendMessage, data: { text: huge } }, rng.pick(otherIds))
			: frame(JSON.stringify({ type: "message", data: huge }));
		return { kind: "huge string", bytes, drop: true };
	}
	if (roll < 83) return { kind: "deeply nested", bytes: frame(deeplyNested(rng, otherIds)), drop: true };
	if (roll < 86) {
		return { kind: "blank", bytes: Buffer.from(rng.pick(["\f", "\f\f\f", " \f", "\r\n\t \f", "\f \f"])), drop: false };
	}
	if (roll < 90) {
		const text = rng.pick([
			"\u00ff\u00fe{}",
			"\ufeff{}",
			'{"type":"message","data":{"type":"TaskCommand","origin":"client","clientId":"',
			"NaN",
			"undefined",
			"[1,2,]",
			"{'type':'message'}",
			"true false",
		]);
		return { kind: "not quite JSON", bytes: frame(text), drop: true };
	}
	// Valid JSON containing invalid UTF-8 inside a string: decoding must not throw.
	const invalidUtf8 = Buffer.concat([
		Buffer.from('{"type":"message","data":"'),
		Buffer.of(0xc3, 0x28, 0xff, 0xe2, 0x82),
		Buffer.from('"}\f'),
	]);
	return { kind: "invalid UTF-8", bytes: invalidUtf8, drop: true };
}

function wrongShape(rng: Rng, ownId: string): string {
	const command = validCommand(rng);
	const inner = { type: IpcMessageType.TaskCommand, origin: IpcOrigin.Client, clientId: ownId, data: command };
	const message = (data: unknown) => JSON.stringify({ type: "message", data });
	switch (rng.int(0, 15)) {
		case 0:
			return JSON.stringify(rng.pick<unknown>([null, 0, -1.5e308, "message", true, [], {}]));
		case 1:
			return JSON.stringify({ type: "message" });
		case 2:
			return JSON.stringify({ type: rng.pick(["ping", "Message", "", "connect", "__proto__"]), data: inner });
		case 3:
			return JSON.stringify(inner);
		case 4:
			return message({ ...inner, origin: IpcOrigin.Server });
		case 5:
			return message({ ...inner, type: IpcMessageType.Ack, data: { clientId: ownId, pid: 1, ppid: 1 } });
		case 6:
			return message({
				type: IpcMessageType.TaskEvent,
				origin: IpcOrigin.Server,
				data: { eventName: "taskStarted", payload: ["x"] },
			});
		case 7:
			return message({ ...inner, data: { commandName: rng.pick(["Nope", "startNewTask", "", "constructor"]) } });
		case 8:
			return message({
				...inner,
				data: { commandName: TaskCommandName.StartNewTask, data: { text: "no configuration" } },
			});
		case 9:
			return message({
				...inner,
				data: { commandName: TaskCommandName.StartNewTask, data: { configuration: {}, text: 42 } },
			});
		case 10:
			return message({
				...inner,
				data: {
					commandName: TaskCommandName.SetTaskContext,
					data: { taskId: -1, rooTaskId: "r", runId: 1.5, traceparent: "00-zz" },
				},
			});
		case 11:
			// Any string is a task id (as in Roo Code, "" too); a number is not.
			return message({ ...inner, data: { commandName: TaskCommandName.ResumeTask, data: 42 } });
		case 12:
			return message({ ...inner, data: [command] });
		case 13:
			// Written by hand: JSON.stringify cannot produce an own "__proto__" key.
			return `{"__proto__":{"polluted":true},"type":"message","data":{"__proto__":{"polluted":true},"type":"TaskCommand","origin":"client","clientId":"${ownId}","data":{"commandName":"Nope","__proto__":{"polluted":true}}}}`;
		case 14:
			return message({ ...inner, clientId: 123_456_789_012 });
		default:
			return message({ ...inner, data: { ...command, commandName: 7 } });
	}
}

function deeplyNested(rng: Rng, otherIds: readonly string[]): string {
	const arrays = rng.int(1_000, 30_000);
	const objects = rng.int(1_000, 9_000);
	switch (rng.int(0, 2)) {
		case 0:
			return "[".repeat(arrays) + "]".repeat(arrays);
		case 1:
			return '{"a":'.repeat(objects) + "null" + "}".repeat(objects);
		default: {
			// Well-formed command except for the id, so the nested value is parsed and validated first.
			const nested = "[".repeat(arrays) + "]".repeat(arrays);
			return `{"type":"message","data":{"type":"TaskCommand","origin":"client","clientId":"${rng.pick(otherIds)}","data":{"commandName":"StartNewTask","data":{"configuration":{"deep":${nested}},"text":"t"}}}}`;
		}
	}
}

/** A valid command padded so its frame is exactly the limit: the largest frame that must pass. */
function exactLimitFrame(ownId: string): { bytes: Buffer; command: TaskCommand } {
	const build = (text: string): TaskCommand => ({ commandName: TaskCommandName.SendMessage, data: { text } });
	const base = Buffer.byteLength(commandFrame(ownId, build(""))) - 1;
	const command = build("p".repeat(MAX_FRAME_BYTES - base));
	const bytes = Buffer.from(commandFrame(ownId, command));
	expect(bytes.length - 1).toBe(MAX_FRAME_BYTES);
	return { bytes, command };
}

function oversizeBytes(rng: Rng, ownId: string): Buffer {
	switch (rng.int(0, 2)) {
		case 0: {
			const bytes = rng.bytes(rng.int(MAX_FRAME_BYTES + 1, 3 * MAX_FRAME_BYTES));
			for (let i = 0; i < bytes.length; i++) if (bytes[i] === FF) bytes[i] = 0x20;
			return bytes;
		}
		case 1: {
			const text = "o".repeat(rng.int(MAX_FRAME_BYTES, 2 * MAX_FRAME_BYTES));
			return Buffer.from(commandFrame(ownId, { commandName: TaskCommandName.SendMessage, data: { text } }));
		}
		default:
			return Buffer.concat([Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20), Buffer.of(FF)]);
	}
}

/** Writes in pieces cut at random byte offsets, yielding so the server reads between them. */
async function writeSplit(rng: Rng, socket: Socket, bytes: Buffer): Promise<void> {
	const cuts = rng.chance(0.6) ? [] : Array.from({ length: rng.int(1, 7) }, () => rng.int(1, bytes.length - 1));
	cuts.sort((a, b) => a - b);
	let start = 0;
	for (const end of [...cuts, bytes.length]) {
		if (end <= start) continue;
		if (socket.destroyed) return;
		if (!socket.write(bytes.subarray(start, end))) await drainedOrClosed(socket);
		start = end;
		if (end < bytes.length && rng.chance(0.5)) await nextTurn();
	}
}

function drainedOrClosed(socket: Socket): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			socket.off("drain", done);
			socket.off("close", done);
			resolve();
		};
		socket.on("drain", done);
		socket.on("close", done);
	});
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(1);
	}
}

interface RawPeer {
	socket: Socket;
	clientId: string;
	/** Valid commands with its own id, in the order written; the server must emit exactly these. */
	expected: TaskCommand[];
	/** We closed it on purpose (oversize frame, hang-up); anything else closing it is a failure. */
	retired: boolean;
	closed: boolean;
	errors: string[];
}

let dir: string;
let cleanups: (() => unknown)[];

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), "ipc-fuzz-"));
	cleanups = [];
});

afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	await rm(dir, { recursive: true, force: true });
});

it(`survives ${ITEMS} writes (≥ ${MIN_HOSTILE_FRAMES} hostile) from ${RAW_SOCKETS} raw sockets (seed ${seed}; replay with FUZZ_SEED=${seed})`, async () => {
	const rng = new Rng(seed);
	const socketPath = join(dir, "fuzz.sock");

	const escaped: unknown[] = [];
	const onEscape = (error: unknown) => escaped.push(error);
	process.on("uncaughtException", onEscape);
	process.on("unhandledRejection", onEscape);
	cleanups.push(() => {
		process.off("uncaughtException", onEscape);
		process.off("unhandledRejection", onEscape);
	});

	const serverLog = { counts: new Map<string, number>(), samples: [] as string[] };
	const count = (key: string) => serverLog.counts.set(key, (serverLog.counts.get(key) ?? 0) + 1);
	const server = new IpcServer(socketPath, {
		maxFrameBytes: MAX_FRAME_BYTES,
		log: (level: IpcLogLevel, message: string) => {
			count(level);
			if (message.startsWith("dropped frame from client")) count("dropped frame");
			if (message.includes("is not its own")) count("foreign clientId");
			if (message.includes("exceeds the limit")) count("oversize");
			if (serverLog.samples.length < 20) serverLog.samples.push(`${level}: ${message.slice(0, 200)}`);
		},
	});
	const serverErrors: Error[] = [];
	server.on("error", (error) => serverErrors.push(error));
	const received = new Map<string, TaskCommand[]>();
	server.on(IpcMessageType.TaskCommand, (clientId, command) => {
		const list = received.get(clientId) ?? [];
		list.push(command);
		received.set(clientId, list);
	});
	await server.listen();
	cleanups.push(() => server.close());

	const goodLog: string[] = [];
	const good = new IpcClient(socketPath, { log: (level, message) => goodLog.push(`${level}: ${message}`) });
	cleanups.push(() => good.disconnect());
	const goodEvents: TaskEvent[] = [];
	let goodDisconnects = 0;
	good.on(IpcMessageType.TaskEvent, (event) => goodEvents.push(event));
	good.on(IpcMessageType.Disconnect, () => goodDisconnects++);
	const { clientId: goodId } = await good.connect({ timeoutMs: 5_000 });
	const goodSent: TaskCommand[] = [];

	const peers: RawPeer[] = [];
	const openPeer = async (): Promise<RawPeer> => {
		const socket = createConnection(socketPath);
		const peer: RawPeer = { socket, clientId: "", expected: [], retired: false, closed: false, errors: [] };
		peers.push(peer);
		socket.on("error", (error) => peer.errors.push(error.message));
		socket.on("close", () => {
			peer.closed = true;
		});
		cleanups.push(() => socket.destroy());
		let buffered = Buffer.alloc(0);
		peer.clientId = await new Promise<string>((resolve, reject) => {
			socket.once("close", () => reject(new Error("raw socket closed before its Ack")));
			socket.on("data", (chunk: Buffer) => {
				if (peer.clientId) return; // Keep reading so broadcasts never back up in the server.
				buffered = Buffer.concat([buffered, chunk]);
				const end = buffered.indexOf(FF);
				if (end === -1) return;
				const decoded = decodeServerFrame(buffered.toString("utf8", 0, end));
				if (decoded.ok && decoded.message.type === IpcMessageType.Ack) resolve(decoded.message.data.clientId);
				else reject(new Error(`expected an Ack, got ${buffered.toString("utf8", 0, end)}`));
			});
		});
		return peer;
	};
	const live: RawPeer[] = [];
	for (let i = 0; i < RAW_SOCKETS; i++) live.push(await openPeer());

	const deliveredTo = (clientId: string) => received.get(clientId)?.length ?? 0;
	/** Frames on one socket are handled in order, so once a marker command arrives all before it were handled. */
	const flush = async (peer: RawPeer) => {
		const marker: TaskCommand = { commandName: TaskCommandName.CancelTask, data: `flush-${peer.expected.length}` };
		peer.expected.push(marker);
		await writeSplit(rng, peer.socket, Buffer.from(commandFrame(peer.clientId, marker)));
		await until(() => deliveredTo(peer.clientId) === peer.expected.length, `commands of ${peer.clientId}`);
	};

	let probes = 0;
	const probe = async () => {
		const marker = `probe-${probes++}`;
		server.broadcast({ eventName: RooCodeEventName.TaskStarted, payload: [marker] });
		const command: TaskCommand = { commandName: TaskCommandName.CancelTask, data: marker };
		goodSent.push(command);
		good.sendCommand(command);
		await until(
			() =>
				goodEvents.some((event) => event.eventName === RooCodeEventName.TaskStarted && event.payload[0] === marker) &&
				deliveredTo(goodId) === goodSent.length,
			`probe ${marker} round trip`,
		);
		await until(() => server.clientCount === 1 + live.length, `clientCount ${1 + live.length}`);
		expect(good.isReady).toBe(true);
	};

	const kinds = new Map<string, number>();
	let hostileFrames = 0;
	let guaranteedDrops = 0;
	let oversized = 0;
	let hungUp = 0;

	/** Takes a peer out of service the way the item demands, and puts a fresh one in its place. */
	const retire = async (slot: number, how: "oversize" | "hang-up") => {
		const peer = live[slot];
		if (!peer) throw new Error(`no peer in slot ${slot}`);
		await flush(peer);
		peer.retired = true;
		if (how === "oversize") {
			oversized++;
			await writeSplit(rng, peer.socket, oversizeBytes(rng, peer.clientId));
		} else {
			hungUp++;
			const partial = Buffer.from(commandFrame(peer.clientId, validCommand(rng)));
			peer.socket.write(partial.subarray(0, rng.int(1, partial.length - 1)));
			if (rng.chance(0.5)) peer.socket.end();
			else peer.socket.destroy();
		}
		await until(() => peer.closed, `${how}: the server to close that socket`);
		for (const other of live) if (other !== peer) expect(other.closed, "an innocent raw socket was closed").toBe(false);
		live[slot] = await openPeer();
	};

	const started = Date.now();
	for (let i = 0; i < ITEMS; i++) {
		if (i > 0 && i % PROBE_EVERY === 0) await probe();
		const slot = rng.int(0, live.length - 1);
		const peer = live[slot];
		if (!peer) throw new Error(`no peer in slot ${slot}`);
		const others = [goodId, ...live.filter((other) => other !== peer).map((other) => other.clientId)];

		const roll = rng.next();
		if (roll < 0.0025) {
			await retire(slot, "oversize");
			kinds.set("oversize", (kinds.get("oversize") ?? 0) + 1);
			hostileFrames++;
			continue;
		}
		if (roll < 0.004) {
			await retire(slot, "hang-up");
			kinds.set("hang-up mid-frame", (kinds.get("hang-up mid-frame") ?? 0) + 1);
			hostileFrames++;
			continue;
		}
		let item: Item;
		if (roll < 0.08) {
			const command = validCommand(rng);
			item = {
				kind: "valid own command",
				bytes: Buffer.from(commandFrame(peer.clientId, command)),
				expect: command,
				drop: false,
			};
		} else if (roll < 0.082) {
			const { bytes, command } = exactLimitFrame(peer.clientId);
			item = { kind: "exactly maxFrameBytes", bytes, expect: command, drop: false };
		} else {
			item = hostileItem(rng, peer.clientId, others);
			hostileFrames++;
		}
		kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
		if (item.expect) peer.expected.push(item.expect);
		if (item.drop) guaranteedDrops++;
		await writeSplit(rng, peer.socket, item.bytes);
		if (rng.chance(0.05)) await nextTurn();
	}
	await probe();
	for (const peer of live) await flush(peer);
	const elapsedMs = Date.now() - started;

	// Every raw peer closed by us must vanish from the server: nothing leaks.
	for (const peer of live) peer.socket.end();
	await until(() => server.clientCount === 1, "clientCount back to 1");
	await until(() => live.every((peer) => peer.closed), "raw sockets closed");

	expect(escaped).toEqual([]);
	expect(serverErrors).toEqual([]);
	expect(server.isListening).toBe(true);
	expect(server.clientIds).toEqual([goodId]);
	expect(hostileFrames).toBeGreaterThanOrEqual(MIN_HOSTILE_FRAMES);

	// The well-behaved client saw nothing of it.
	expect(good.isReady).toBe(true);
	expect(goodDisconnects).toBe(0);
	expect(goodLog).toEqual([]);
	expect(received.get(goodId)).toEqual(goodSent);
	expect(goodEvents).toHaveLength(probes);

	// Exactly the valid frames got through, each from its own connection; nothing else did.
	for (const peer of peers)
		expect(received.get(peer.clientId) ?? [], `commands of ${peer.clientId}`).toEqual(peer.expected);
	const knownIds = new Set([goodId, ...peers.map((peer) => peer.clientId)]);
	expect([...received.keys()].filter((clientId) => !knownIds.has(clientId))).toEqual([]);

	// Only sockets we retired were closed, and every drop was logged rather than thrown.
	for (const peer of peers) if (!peer.retired) expect(peer.errors, `errors on ${peer.clientId}`).toEqual([]);
	expect(serverLog.counts.get("oversize") ?? 0).toBe(oversized);
	const drops = (serverLog.counts.get("dropped frame") ?? 0) + (serverLog.counts.get("foreign clientId") ?? 0);
	expect(drops, `first log lines:\n${serverLog.samples.join("\n")}`).toBeGreaterThanOrEqual(guaranteedDrops);
	expect(serverLog.counts.get("foreign clientId") ?? 0).toBeGreaterThan(0);
	expect(serverLog.counts.get("error") ?? 0).toBe(0);
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();

	// Alive and still accepting: a brand-new runner connects and is heard.
	const late = new IpcClient(socketPath, { log: () => {} });
	cleanups.push(() => late.disconnect());
	const { clientId: lateId } = await late.connect({ timeoutMs: 2_000 });
	late.sendCommand({ commandName: TaskCommandName.GetModes });
	await until(() => deliveredTo(lateId) === 1, "a command from a new client");

	console.info(
		`fuzz seed ${seed}: ${ITEMS} items (${hostileFrames} hostile, ${oversized} oversize, ${hungUp} hang-ups) in ${elapsedMs} ms; ` +
			`${drops} drops logged; kinds ${JSON.stringify(Object.fromEntries(kinds))}`,
	);
}, 30_000);
