import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, statfs, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { executeCommandTool, nullLogger, runTool } from "@agent-evals/agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BwrapSandbox, LocalSandbox } from "../src/sandbox/index.js";
import type { ExecOptions, Sandbox } from "../src/sandbox/sandbox.js";
import { processesWith, uniqueSleep } from "./helpers/processes.js";

/*
 * R7: what model-written code tries, run through the bwrap sandbox, must fail; each attempt is
 * first shown to work through the local sandbox (or on the host), so the test cannot pass because
 * the attempt itself was broken.
 */

const temps: string[] = [];
async function tempDir(prefix = "agent-evals-escape-"): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
	temps.push(dir);
	return dir;
}

const marker = `escape-${randomBytes(8).toString("hex")}`;
let home: string;
let evalsHome: string;
let bwrap: BwrapSandbox;
const local = new LocalSandbox({ killGraceMs: 500 });

beforeAll(async () => {
	home = await tempDir("agent-evals-escape-home-");
	evalsHome = await tempDir("agent-evals-escape-evals-home-");
	await mkdir(path.join(home, ".ssh"), { mode: 0o700 });
	await writeFile(path.join(home, ".ssh", "id_ed25519"), `PRIVATE KEY ${marker}\n`, { mode: 0o600 });
	await mkdir(path.join(evalsHome, "db"));
	await writeFile(path.join(evalsHome, "db", "PG_VERSION"), "17\n");
	bwrap = new BwrapSandbox({
		env: { ...process.env, HOME: home, EVALS_HOME: evalsHome, OPENAI_API_KEY: `sk-${marker}` },
		limits: { processes: 64, fileSizeBytes: 1024 * 1024, tmpfsBytes: 4 * 1024 * 1024 },
		killGraceMs: 500,
	});
	const reason = await bwrap.unavailableReason();
	if (reason !== undefined) throw new Error(`the bwrap sandbox cannot run here, so R7 cannot be checked: ${reason}`);
});

afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function run(sandbox: Sandbox, command: string, options: Partial<ExecOptions> = {}) {
	const cwd = options.cwd ?? (await tempDir());
	return sandbox.exec(command, { cwd, timeoutMs: 15_000, ...options });
}

async function exists(file: string): Promise<boolean> {
	return stat(file).then(
		() => true,
		() => false,
	);
}

describe("R7: writes outside the workspace", () => {
	it("cannot change home, /etc, another task's workspace or the database folder", async () => {
		const other = await tempDir();
		await writeFile(path.join(other, "solution.py"), "original\n");
		const targets = [
			path.join(home, "planted"),
			path.join("/etc", `agent-evals-${marker}`),
			path.join(other, "solution.py"),
			path.join(evalsHome, "db", "PG_VERSION"),
		];
		const command = targets.map((file) => `echo ${marker} > '${file}'`).join("; ");
		const result = await run(bwrap, `${command}; echo finished`);
		expect(result.output).toContain("finished");
		expect(await exists(targets[0] ?? "")).toBe(false);
		expect(await exists(targets[1] ?? "")).toBe(false);
		expect(await readFile(path.join(other, "solution.py"), "utf8")).toBe("original\n");
		expect(await readFile(path.join(evalsHome, "db", "PG_VERSION"), "utf8")).toBe("17\n");

		// The same command, unconfined, does write them (all but /etc, left alone on purpose).
		await run(local, `echo ${marker} > '${path.join(other, "solution.py")}'`);
		expect(await readFile(path.join(other, "solution.py"), "utf8")).toBe(`${marker}\n`);
	});

	it("sees neither other workspaces nor the platform's database folder", async () => {
		const other = await tempDir();
		await writeFile(path.join(other, "secret.txt"), marker);
		const result = await run(bwrap, `cat '${other}/secret.txt' '${evalsHome}/db/PG_VERSION'; ls /home /root; true`);
		expect(result.output).not.toContain(marker);
		expect(result.output).not.toContain("17");
	});
});

describe("R7: reading secrets", () => {
	it("cannot read ~/.ssh", async () => {
		const command = `cat "$HOME/.ssh/id_ed25519" '${home}/.ssh/id_ed25519'; ls -a "$HOME"; true`;
		expect((await run(local, `cat '${home}/.ssh/id_ed25519'`)).output).toContain(marker);
		const result = await run(bwrap, command);
		expect(result.output).not.toContain(marker);
	});

	it("does not get the agent's environment: no provider key, no platform connection strings", async () => {
		const result = await run(bwrap, "env", {
			env: { CI: "1" },
		});
		expect(result.exitCode).toBe(0);
		expect(result.output).toContain("CI=1");
		expect(result.output).not.toContain(marker);
		expect(result.output).not.toMatch(/^(OPENAI_API_KEY|DATABASE_URL|REDIS_URL|EVALS_API_TOKEN)=/m);
	});

	it("cannot read another process's /proc/<pid>/environ", async () => {
		const holder = spawn("sleep", ["30"], { env: { ...process.env, HOLDER_SECRET: marker }, stdio: "ignore" });
		try {
			const pid = holder.pid;
			expect(pid).toBeDefined();
			const unconfined = await run(local, `tr '\\0' '\\n' < /proc/${pid}/environ`);
			expect(unconfined.output).toContain(marker);
			const result = await run(
				bwrap,
				`cat /proc/${pid}/environ /proc/${process.pid}/environ; for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f"; done; ls /proc | grep -c '^[0-9]'`,
			);
			expect(result.output).not.toContain(marker);
			// Its own PID namespace: only the sandbox's few processes are there.
			const count = Number(result.output.trim().split("\n").at(-1));
			expect(count).toBeLessThan(10);
		} finally {
			holder.kill("SIGKILL");
		}
	});
});

describe("R7: network", () => {
	let server: Server;
	let port: number;
	beforeAll(async () => {
		server = createServer((_req, res) => res.end("dashboard"));
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		port = (server.address() as AddressInfo).port;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	// bash's /dev/tcp opens a TCP connection with nothing but the shell.
	const connect = (host: string, port: number) =>
		`bash -c 'exec 3<>/dev/tcp/${host}/${port}' 2>/dev/null && echo open-${port} || echo closed-${port}`;

	it("cannot connect to the dashboard, PostgreSQL or Redis on 127.0.0.1", async () => {
		const unconfined = await run(local, connect("127.0.0.1", port));
		expect(unconfined.output).toContain(`open-${port}`);
		const services = [port, 5432, 6379];
		const result = await run(bwrap, services.map((p) => connect("127.0.0.1", p)).join("; "));
		for (const p of services) expect(result.output).toContain(`closed-${p}`);
	});

	it("cannot reach any address: its network namespace has only loopback", async () => {
		const result = await run(
			bwrap,
			`${connect("1.1.1.1", 443)}; ${connect("10.0.0.1", 80)}; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '`,
		);
		expect(result.output).toContain("closed-443");
		expect(result.output).toContain("closed-80");
		expect(result.output.trim().split("\n").slice(2)).toEqual(["lo"]);
	});
});

describe("R7: resources", () => {
	it("a fork bomb is bounded and leaves nothing behind", async () => {
		const sleep = uniqueSleep();
		const started = Date.now();
		const result = await run(bwrap, `bomb() { sleep ${sleep} & bomb | bomb & }; bomb; sleep 2; echo survived`, {
			timeoutMs: 8_000,
		});
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(result.output).toMatch(/fork|Resource temporarily unavailable|Cannot|retry/i);
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("cannot write a file beyond the file size limit", async () => {
		const cwd = await tempDir();
		const result = await run(bwrap, "head -c 5000000 /dev/zero > big.bin", { cwd });
		expect(result.exitCode).not.toBe(0);
		expect((await stat(path.join(cwd, "big.bin"))).size).toBeLessThanOrEqual(1024 * 1024);
	});

	it("cannot fill the private /tmp beyond its size", async () => {
		const result = await run(bwrap, "for i in 1 2 3 4 5 6; do head -c 1000000 /dev/zero > /tmp/f$i || exit 7; done");
		expect(result.exitCode).toBe(7);
		expect(result.output).toMatch(/No space left/i);
	});

	it("is stopped when the workspace's disk gets fuller than the sandbox allows", async () => {
		const cwd = await tempDir();
		const info = await statfs(cwd);
		const free = info.bavail * info.bsize;
		const tight = new BwrapSandbox({
			env: { ...process.env, HOME: home },
			limits: { minFreeDiskBytes: free + 1024 ** 3 },
			killGraceMs: 500,
		});
		const sleep = uniqueSleep();
		const result = await tight.exec(`sleep ${sleep}`, { cwd, timeoutMs: 20_000 });
		expect(result.stoppedBecause).toMatch(/free/);
		expect(result.timedOut).toBe(false);
		expect(result.durationMs).toBeLessThan(10_000);
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("leaves no daemon running after the command", async () => {
		const sleep = uniqueSleep();
		const result = await run(
			bwrap,
			`setsid sh -c 'sleep ${sleep}' </dev/null >/dev/null 2>&1 & (nohup sleep ${sleep} >/dev/null 2>&1 &); echo started`,
		);
		expect(result.exitCode).toBe(0);
		expect(result.output).toContain("started");
		expect(await processesWith(sleep)).toEqual([]);
	});
});

describe("R7: the agent's execute_command in the runner's profile", () => {
	it("runs in the workspace and cannot write outside it or read the agent's secrets", async () => {
		const profile = await bwrap.agentProfile();
		const workspace = await tempDir();
		const outside = await tempDir();
		const previous = process.env.ANTHROPIC_API_KEY;
		process.env.ANTHROPIC_API_KEY = `sk-ant-${marker}`;
		try {
			const result = await runTool(
				executeCommandTool,
				{ command: `echo ok > inside.txt; echo x > '${outside}/planted'; env; cat "$HOME/.ssh/id_ed25519"; true` },
				{
					workspace,
					signal: new AbortController().signal,
					commandTimeoutMs: 15_000,
					maxOutputChars: 50_000,
					log: nullLogger,
					sandbox: { profile },
				},
			);
			expect(result.output).not.toContain(marker);
			expect(await readFile(path.join(workspace, "inside.txt"), "utf8")).toBe("ok\n");
			expect(await exists(path.join(outside, "planted"))).toBe(false);
		} finally {
			if (previous === undefined) delete process.env.ANTHROPIC_API_KEY;
			else process.env.ANTHROPIC_API_KEY = previous;
		}
	});

	it("refuses every command when the profile it was given cannot be read", async () => {
		const workspace = await tempDir();
		const result = await runTool(
			executeCommandTool,
			{ command: "echo ran > ran.txt" },
			{
				workspace,
				signal: new AbortController().signal,
				commandTimeoutMs: 15_000,
				maxOutputChars: 50_000,
				log: nullLogger,
				sandbox: { error: "AGENT_EVALS_SANDBOX is not valid JSON" },
			},
		);
		expect(result.ok).toBe(false);
		expect(result.output).toContain("sandbox this task must use is unavailable");
		expect(await exists(path.join(workspace, "ran.txt"))).toBe(false);
	});
});
