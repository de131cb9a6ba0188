import { execFile, fork, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { SandboxUnavailableError } from "../src/sandbox/sandbox.js";
import { ProcessSpawner } from "../src/spawner/client.js";
import { CommandError } from "../src/spawner/command.js";
import { processesLeft, processesWith, uniqueSleep, waitForProcess } from "./helpers/processes.js";

const distClient = fileURLToPath(new URL("../dist/spawner/client.js", import.meta.url));
const helperEntry = createRequire(import.meta.url).resolve("@agent-evals/evals/spawner");

const temps: string[] = [];
const spawners: ProcessSpawner[] = [];
afterAll(async () => {
	await Promise.all(spawners.map((spawner) => spawner.close()));
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), "evals-spawner-"));
	temps.push(dir);
	return dir;
}

function newSpawner(): ProcessSpawner {
	const spawner = new ProcessSpawner();
	spawners.push(spawner);
	return spawner;
}

function shell(script: string, cwd: string) {
	return { file: "sh", args: ["-c", script], cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } };
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe("spawner helper", () => {
	it("starts trees and commands from the helper, not from this process", async () => {
		const spawner = newSpawner();
		const cwd = await tempDir();
		const command = await spawner.runCommand("sh", ["-c", 'echo "$PPID"; echo oops >&2'], { maxBuffer: 1024 });
		expect(command).toEqual({ stdout: `${spawner.pid}\n`, stderr: "oops\n" });
		const tree = await spawner.runTree("local", shell('echo "$PPID"; exit 4', cwd), {
			cwd,
			timeoutMs: 10_000,
			killGraceMs: 500,
		});
		expect(tree.result).toMatchObject({ exitCode: 4, output: `${spawner.pid}\n`, timedOut: false, cancelled: false });
		expect(tree.status).toBe("");
		const withStatus = await spawner.runTree(
			"local",
			{ ...shell("echo started >&3", cwd), statusPipe: true },
			{
				cwd,
				timeoutMs: 10_000,
				killGraceMs: 500,
			},
		);
		expect(withStatus.status).toBe("started\n");
		expect(spawner.starts).toBe(1);
	});

	it("fails a command as execFile would: its exit code and stderr, or the errno", async () => {
		const spawner = newSpawner();
		const failed = await spawner
			.runCommand("sh", ["-c", "echo nope >&2; exit 3"], { maxBuffer: 1024 })
			.catch((error: unknown) => error);
		expect(failed).toBeInstanceOf(CommandError);
		expect(failed).toMatchObject({ code: 3, stderr: "nope\n" });
		const missing = await spawner
			.runCommand("no-such-program-anywhere", [], { maxBuffer: 1024 })
			.catch((error: unknown) => error);
		expect(missing).toMatchObject({ code: "ENOENT" });
		const cwdMissing = await spawner
			.runTree("local", shell("true", "/no/such/dir"), { cwd: "/no/such/dir", timeoutMs: 5000, killGraceMs: 100 })
			.catch((error: unknown) => error);
		expect(cwdMissing).toBeInstanceOf(SandboxUnavailableError);
		expect((cwdMissing as SandboxUnavailableError).message).toMatch(/^sandbox "local" unavailable: cannot start sh/);
	});

	it("stops a tree for a limit this process saw broken, and for a cancellation", async () => {
		const spawner = newSpawner();
		const cwd = await tempDir();
		const limited = uniqueSleep();
		const limit = await spawner.runTree("local", shell(`sleep ${limited}`, cwd), {
			cwd,
			timeoutMs: 60_000,
			killGraceMs: 500,
			watch: (stop) => {
				const timer = setTimeout(() => stop("the disk is nearly full"), 300);
				return () => clearTimeout(timer);
			},
		});
		expect(limit.result).toMatchObject({ stoppedBecause: "the disk is nearly full", timedOut: false });
		expect(limit.result.output).toContain("[stopped by the sandbox: the disk is nearly full]");
		expect(await processesWith(limited)).toEqual([]);

		const cancelled = uniqueSleep();
		const abort = new AbortController();
		const running = spawner.runTree("local", shell(`sleep ${cancelled}`, cwd), {
			cwd,
			timeoutMs: 60_000,
			killGraceMs: 500,
			signal: abort.signal,
		});
		await waitForProcess(cancelled);
		abort.abort();
		expect((await running).result).toMatchObject({ cancelled: true, timedOut: false });
		expect(await processesWith(cancelled)).toEqual([]);
	});

	it("fails what a dead helper ran as infra, stops its process groups and starts a new helper", async () => {
		const spawner = newSpawner();
		const cwd = await tempDir();
		const marker = uniqueSleep(300);
		const running = spawner
			.runTree("local", shell(`sleep ${marker} & sleep ${marker}; wait`, cwd), {
				cwd,
				timeoutMs: 60_000,
				killGraceMs: 500,
			})
			.catch((error: unknown) => error);
		await waitForProcess(marker);
		const first = spawner.pid as number;
		process.kill(first, "SIGKILL");
		const error = await running;
		expect(error).toBeInstanceOf(SandboxUnavailableError);
		expect((error as Error).message).toMatch(
			/^sandbox "local" unavailable: the process spawner was killed \(SIGKILL\)/,
		);
		expect(await processesLeft(marker)).toEqual([]);
		expect(await spawner.runCommand("true", [], { maxBuffer: 1024 })).toEqual({ stdout: "", stderr: "" });
		expect(spawner.starts).toBe(2);
		expect(spawner.pid).not.toBe(first);
	});

	it("outlives the signals its parent's process group gets (Ctrl-C, a service stop)", async () => {
		const spawner = newSpawner();
		const cwd = await tempDir();
		const marker = uniqueSleep(1);
		const running = spawner.runTree("local", shell(`sleep ${marker}; echo finished`, cwd), {
			cwd,
			timeoutMs: 30_000,
			killGraceMs: 500,
		});
		await waitForProcess(marker);
		// The parent turns these into a cancel or a drain; the commands it still needs run on.
		for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.kill(spawner.pid as number, signal);
		expect((await running).result).toMatchObject({ exitCode: 0, output: "finished\n" });
		expect(spawner.starts).toBe(1);
	});

	it("stops its trees and exits when its parent dies", async () => {
		const marker = uniqueSleep(300);
		const cwd = await tempDir();
		const script = `
			const { useSpawner } = await import(${JSON.stringify(distClient)});
			const spawner = useSpawner();
			spawner.runTree("local", ${JSON.stringify(shell(`sleep ${marker}`, cwd))}, { cwd: ${JSON.stringify(cwd)}, timeoutMs: 60000, killGraceMs: 500 });
			process.stdout.write(String(spawner.pid) + "\\n");
			setInterval(() => {}, 1000);`;
		const parent = spawn(process.execPath, ["--input-type=module", "-e", script], {
			stdio: ["ignore", "pipe", "inherit"],
		});
		const helperPid = await new Promise<number>((resolve) =>
			parent.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
		);
		await waitForProcess(marker);
		parent.kill("SIGKILL");
		expect(await processesLeft(marker)).toEqual([]);
		const deadline = Date.now() + 5000;
		while (alive(helperPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		expect(alive(helperPid)).toBe(false);
	});

	it("does not keep an idle parent alive", async () => {
		const script = `
			const { useSpawner } = await import(${JSON.stringify(distClient)});
			const { runCommand } = await import(${JSON.stringify(distClient.replace(/client\.js$/, "command.js"))});
			useSpawner();
			const { stdout } = await runCommand("sh", ["-c", "echo \\"$PPID\\""], { maxBuffer: 1024 });
			process.stdout.write(stdout);`;
		const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
			timeout: 20_000,
		});
		// It ran in the helper (another parent than the script), and the script then ended on its own.
		expect(Number(stdout.trim())).toBeGreaterThan(0);
	});

	it("answers a malformed request with an error and keeps serving", async () => {
		const helper = fork(helperEntry, [], { stdio: ["ignore", "ignore", "ignore", "ipc"], execArgv: [] });
		try {
			const replies: unknown[] = [];
			const next = () =>
				new Promise<unknown>((resolve) =>
					helper.once("message", (message) => resolve(replies.push(message) && message)),
				);
			helper.send({ type: "run-tree", id: 5 });
			expect(await next()).toMatchObject({
				type: "failed",
				id: 5,
				message: expect.stringMatching(/^malformed request/),
			});
			helper.send({ type: "run-command", id: 6, file: "echo", args: ["still here"], maxBuffer: 1024 });
			expect(await next()).toEqual({ type: "command-ended", id: 6, stdout: "still here\n", stderr: "" });
		} finally {
			helper.kill();
		}
	});

	it("refuses to start without a parent to serve", async () => {
		const result = await promisify(execFile)(process.execPath, [helperEntry]).catch((error: unknown) => error);
		expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining("started by evals itself") });
	});
});
