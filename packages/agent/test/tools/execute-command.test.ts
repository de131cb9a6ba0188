import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { executeCommandTool, processAlive, runTool } from "../../src/tools/index.js";
import { makeContext, tempDir } from "./helpers.js";

const posix = process.platform !== "win32";

async function readPids(file: string): Promise<number[]> {
	const text = await readFile(file, "utf8");
	return text
		.split(/\s+/)
		.filter((part) => part !== "")
		.map(Number);
}

async function waitForFile(file: string, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const text = await readFile(file, "utf8");
			if (text.trim() !== "") return;
		} catch {
			// not written yet
		}
		if (Date.now() > deadline) throw new Error(`${file} was not written`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe.runIf(posix)("execute_command", () => {
	it("returns output and exit code; a non-zero exit is still ok", async () => {
		const ws = await tempDir();
		const context = makeContext(ws);
		const success = await runTool(executeCommandTool, { command: "echo hello" }, context);
		expect(success).toEqual({ ok: true, output: "hello\n\nExit code: 0" });

		const failure = await runTool(executeCommandTool, { command: "echo out; echo err >&2; exit 3" }, context);
		expect(failure.ok).toBe(true);
		expect(failure.output).toContain("out");
		expect(failure.output).toContain("err");
		expect(failure.output.endsWith("Exit code: 3")).toBe(true);

		const quiet = await runTool(executeCommandTool, { command: "true" }, context);
		expect(quiet.output).toBe("(no output)\n\nExit code: 0");

		const killed = await runTool(executeCommandTool, { command: "kill -9 $$" }, context);
		expect(killed.ok).toBe(true);
		expect(killed.output).toContain("Terminated by signal SIGKILL");
	});

	it("sets CI and NO_COLOR and strips terminal escapes", async () => {
		const ws = await tempDir();
		const result = await runTool(
			executeCommandTool,
			{
				command:
					"printf 'CI=%s NO_COLOR=%s\\n' \"$CI\" \"$NO_COLOR\"; printf '\\033[31mred\\033[0m\\n'; printf '10%%\\r50%%\\r100%%\\n'",
			},
			makeContext(ws),
		);
		expect(result.output).toBe("CI=1 NO_COLOR=1\nred\n100%\n\nExit code: 0");
	});

	it("runs in cwd inside the workspace and refuses one outside", async () => {
		const ws = await tempDir();
		const context = makeContext(ws);
		await runTool(executeCommandTool, { command: "mkdir -p sub/dir" }, context);
		const inside = await runTool(executeCommandTool, { command: "pwd", cwd: "sub/dir" }, context);
		expect(inside.output).toBe(`${path.join(ws, "sub/dir")}\n\nExit code: 0`);

		const outside = await runTool(executeCommandTool, { command: "pwd", cwd: ".." }, context);
		expect(outside).toEqual({
			ok: false,
			output: 'Path ".." is outside the workspace; only files under the workspace can be used.',
		});
		const missing = await runTool(executeCommandTool, { command: "pwd", cwd: "nope" }, context);
		expect(missing.ok).toBe(false);
		const empty = await runTool(executeCommandTool, { command: "   " }, context);
		expect(empty.ok).toBe(false);
		expect(empty.output).toContain("empty");
	});

	it("streams output through onProgress as it arrives", async () => {
		const ws = await tempDir();
		const started = Date.now();
		const chunks: { text: string; at: number }[] = [];
		const result = await runTool(
			executeCommandTool,
			{ command: "echo first; sleep 0.6; echo second" },
			makeContext(ws, { onProgress: (text) => chunks.push({ text, at: Date.now() - started }) }),
		);
		const finished = Date.now() - started;
		expect(result.ok).toBe(true);
		expect(chunks.map((chunk) => chunk.text).join("")).toBe("first\nsecond\n");
		const first = chunks.find((chunk) => chunk.text.includes("first"));
		expect(first).toBeDefined();
		expect(finished - (first?.at ?? finished)).toBeGreaterThan(300);
	});

	it("keeps the head and the tail of long output", async () => {
		const ws = await tempDir();
		const result = await runTool(
			executeCommandTool,
			{ command: "seq 1 100000" },
			makeContext(ws, { maxOutputChars: 2000 }),
		);
		expect(result.ok).toBe(true);
		expect(result.output.startsWith("1\n2\n3\n")).toBe(true);
		expect(result.output).toMatch(/\[… \d+ characters omitted …\]/);
		expect(result.output.endsWith("99999\n100000\n\nExit code: 0")).toBe(true);
		expect(result.output.length).toBeLessThanOrEqual(2000);
	});

	it("kills the whole process tree on timeout, even children that ignore SIGTERM", async () => {
		const ws = await tempDir();
		const pidFile = path.join(ws, "pids");
		const started = Date.now();
		const result = await runTool(
			executeCommandTool,
			{
				command: `echo started; sh -c 'trap "" TERM; sleep 30 & echo $! >> pids; sleep 30 & echo $! >> pids; wait'`,
			},
			makeContext(ws, { commandTimeoutMs: 500 }),
		);
		const elapsed = Date.now() - started;
		expect(result.ok).toBe(false);
		expect(result.output).toContain("Command timed out after 0.5 s");
		expect(result.output).toContain("started");
		expect(elapsed).toBeLessThan(5000);
		const pids = await readPids(pidFile);
		expect(pids).toHaveLength(2);
		for (const pid of pids) expect(await processAlive(pid)).toBe(false);
	});

	it("stops at once when the signal aborts", async () => {
		const ws = await tempDir();
		const pidFile = path.join(ws, "pids");
		const controller = new AbortController();
		const context = makeContext(ws, { signal: controller.signal, commandTimeoutMs: 60_000 });
		const running = runTool(
			executeCommandTool,
			{ command: "sleep 30 & echo $! >> pids; sh -c 'sleep 30 & echo $! >> pids; wait' & wait" },
			context,
		);
		await waitForFile(pidFile);
		await new Promise((resolve) => setTimeout(resolve, 100));
		const abortedAt = Date.now();
		controller.abort(new Error("Cancelled by the test"));
		const result = await running;
		expect(Date.now() - abortedAt).toBeLessThan(3000);
		expect(result.ok).toBe(false);
		expect(result.output).toContain("Command cancelled: Cancelled by the test");
		for (const pid of await readPids(pidFile)) expect(await processAlive(pid)).toBe(false);

		const notStarted = await runTool(executeCommandTool, { command: "echo never" }, context);
		expect(notStarted.ok).toBe(false);
		expect(notStarted.output).not.toContain("never\n");
	});

	it("does not wait for background processes that keep the output open", async () => {
		const ws = await tempDir();
		const started = Date.now();
		const result = await runTool(
			executeCommandTool,
			{ command: "sleep 20 & echo $! > bg.pid; echo done" },
			makeContext(ws),
		);
		expect(Date.now() - started).toBeLessThan(3000);
		expect(result.ok).toBe(true);
		expect(result.output).toContain("done");
		expect(result.output).toContain("Exit code: 0");
		const [pid] = await readPids(path.join(ws, "bg.pid"));
		if (pid !== undefined) process.kill(pid, "SIGKILL");
	});
});
