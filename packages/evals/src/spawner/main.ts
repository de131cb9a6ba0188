import { type ProcessRun, runProcessTreeHere } from "../sandbox/process.js";
import { SandboxUnavailableError } from "../sandbox/sandbox.js";
import { CommandError, runCommandHere } from "./command.js";
import {
	type RunCommandRequest,
	type RunTreeRequest,
	type SpawnerReply,
	type SpawnerRequest,
	spawnerRequest,
} from "./protocol.js";

/*
 * The spawner helper (see client.ts): a small process that starts commands for its parent and
 * answers with how they ended. It holds nothing but the trees it runs; when the parent goes away
 * (it exited, closed the helper or was killed) it stops them all and exits.
 */

interface Running {
	abort: AbortController;
	/** Ends the tree for a broken limit; set once the tree runs, queued until then. */
	limit: (reason: string) => void;
	ended: Promise<unknown>;
}

const running = new Map<number, Running>();

if (!process.send) {
	process.stderr.write("The spawner helper is started by evals itself (it needs an IPC channel to its parent).\n");
	process.exit(2);
}

process.on("message", (frame) => {
	const parsed = spawnerRequest.safeParse(frame);
	if (!parsed.success) {
		const id = typeof (frame as { id?: unknown })?.id === "number" ? (frame as { id: number }).id : -1;
		reply({ type: "failed", id, message: `malformed request: ${parsed.error.issues[0]?.message ?? "invalid"}` });
		return;
	}
	handle(parsed.data);
});

// Signals meant for the parent's process group (Ctrl-C in a terminal, systemd stopping a worker's
// unit) reach this helper too. It outlives them: the parent turns them into a clean cancel or a
// drain, which still needs the commands running here. It ends when its parent goes.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => {});

process.on("disconnect", () => {
	for (const tree of running.values()) tree.abort.abort();
	void Promise.allSettled([...running.values()].map((tree) => tree.ended)).then(() => process.exit(0));
});

function handle(request: SpawnerRequest): void {
	switch (request.type) {
		case "run-tree":
			runTree(request);
			return;
		case "stop": {
			const tree = running.get(request.id);
			if (!tree) return; // it ended meanwhile
			if (request.why.kind === "abort") tree.abort.abort();
			else tree.limit(request.why.reason);
			return;
		}
		case "run-command":
			runCommand(request);
			return;
	}
}

function runTree(request: RunTreeRequest): void {
	const abort = new AbortController();
	let stopForLimit: ((reason: string) => void) | undefined;
	let queuedLimit: string | undefined;
	const tree: Running = {
		abort,
		limit: (reason) => {
			if (stopForLimit) stopForLimit(reason);
			else queuedLimit ??= reason;
		},
		ended: Promise.resolve(),
	};
	running.set(request.id, tree);
	tree.ended = runProcessTreeHere(request.sandbox, request.launch, {
		cwd: request.launch.cwd,
		timeoutMs: request.timeoutMs,
		killGraceMs: request.killGraceMs,
		maxOutputBytes: request.maxOutputBytes,
		signal: abort.signal,
		onSpawn: (pgid) => reply({ type: "started", id: request.id, pgid }),
		watch: (stop) => {
			stopForLimit = stop;
			if (queuedLimit !== undefined) stop(queuedLimit);
			return () => {
				stopForLimit = undefined;
			};
		},
	})
		.then((run: ProcessRun) => reply({ type: "tree-ended", id: request.id, result: run.result, status: run.status }))
		.catch((error: unknown) =>
			reply(
				error instanceof SandboxUnavailableError
					? { type: "failed", id: request.id, message: error.reason, sandbox: error.sandbox }
					: { type: "failed", id: request.id, message: messageOf(error), sandbox: request.sandbox },
			),
		)
		.finally(() => running.delete(request.id));
}

function runCommand(request: RunCommandRequest): void {
	runCommandHere(request.file, request.args, { cwd: request.cwd, env: request.env, maxBuffer: request.maxBuffer }).then(
		(output) => reply({ type: "command-ended", id: request.id, ...output }),
		(error: unknown) =>
			reply({
				type: "failed",
				id: request.id,
				message: messageOf(error),
				...(error instanceof CommandError ? { code: error.code ?? null, stderr: error.stderr } : {}),
			}),
	);
}

function reply(frame: SpawnerReply): void {
	// The parent may be gone already; "disconnect" then ends this process.
	if (process.connected) process.send?.(frame, undefined, {}, () => {});
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
