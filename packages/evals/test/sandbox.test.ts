import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	BwrapSandbox,
	capText,
	chooseSandbox,
	getSandbox,
	HeadTailCapture,
	LocalSandbox,
	SandboxUnavailableError,
	sandboxNames,
	UnknownSandboxError,
} from "../src/sandbox/index.js";
import { stopSpawner, useSpawner } from "../src/spawner/client.js";
import { processesWith, uniqueSleep } from "./helpers/processes.js";

const temps: string[] = [];
async function tempDir(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), "evals-sandbox-"));
	temps.push(dir);
	return dir;
}
afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

// The contract every sandbox must keep; a new sandbox is registered, then has to pass this. It holds
// as well when the commands start in a spawner helper, as a controller's do (spawner/client.ts).
const routes = sandboxNames().flatMap((name) => [
	[name, "in this process"] as const,
	[name, "through the spawner helper"] as const,
]);
describe.each(routes)("sandbox contract: %s, %s", (name, route) => {
	const sandbox = getSandbox(name);
	if (route === "through the spawner helper") {
		beforeAll(() => {
			useSpawner();
		});
		afterAll(() => stopSpawner());
	}

	it("reports exit codes and never throws for a failing command", async () => {
		const cwd = await tempDir();
		expect((await sandbox.exec("true", { cwd, timeoutMs: 10_000 })).exitCode).toBe(0);
		const failed = await sandbox.exec("exit 3", { cwd, timeoutMs: 10_000 });
		expect(failed).toMatchObject({ exitCode: 3, signal: null, timedOut: false, cancelled: false });
		expect(failed.durationMs).toBeGreaterThanOrEqual(0);
	});

	it("treats an endless timeout as no timeout", async () => {
		const result = await sandbox.exec("sleep 0.1", { cwd: await tempDir(), timeoutMs: Number.POSITIVE_INFINITY });
		expect(result).toMatchObject({ exitCode: 0, timedOut: false });
	});

	it("gives a missing command exit 127, not an exception", async () => {
		const result = await sandbox.exec("definitely-not-a-command-4711", { cwd: await tempDir(), timeoutMs: 10_000 });
		expect(result.exitCode).toBe(127);
		expect(result.output).toMatch(/not found/);
	});

	it("captures stdout and stderr interleaved in arrival order", async () => {
		const result = await sandbox.exec("echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three", {
			cwd: await tempDir(),
			timeoutMs: 10_000,
		});
		expect(result.output).toBe("one\ntwo\nthree\n");
	});

	it("caps output keeping its head and tail around a marker", async () => {
		const result = await sandbox.exec("echo START; head -c 200000 /dev/zero | tr '\\0' x; echo; echo END", {
			cwd: await tempDir(),
			timeoutMs: 10_000,
			maxOutputBytes: 1000,
		});
		expect(result.exitCode).toBe(0);
		expect(result.output.startsWith("START\n")).toBe(true);
		expect(result.output.endsWith("END\n")).toBe(true);
		expect(result.output).toMatch(/bytes of output omitted/);
		expect(Buffer.byteLength(result.output)).toBeLessThan(1100);
	});

	it("passes env and runs in cwd", async () => {
		const cwd = await tempDir();
		const result = await sandbox.exec('printf "%s|%s" "$EVALS_PROBE" "$(pwd -P)"', {
			cwd,
			timeoutMs: 10_000,
			env: { EVALS_PROBE: "hello world" },
		});
		expect(result.output).toBe(`hello world|${await realpath(cwd)}`);
	});

	it("kills the whole process tree on timeout", async () => {
		const cwd = await tempDir();
		const sleep = uniqueSleep();
		const started = Date.now();
		// The grandchild is a background job of a child shell: only a group (or namespace) kill reaches it.
		const result = await sandbox.exec(`sh -c 'exec sleep ${sleep}' & wait`, { cwd, timeoutMs: 500 });
		expect(result.timedOut).toBe(true);
		expect(result.cancelled).toBe(false);
		expect(result.exitCode).toBeNull();
		expect(Date.now() - started).toBeLessThan(5000);
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("kills a process tree that ignores SIGTERM", async () => {
		const cwd = await tempDir();
		const sleep = uniqueSleep();
		const result = await sandbox.exec(`sh -c 'trap "" TERM; while :; do sleep ${sleep}; done' & wait`, {
			cwd,
			timeoutMs: 300,
		});
		expect(result.timedOut).toBe(true);
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("stops the process tree when aborted", async () => {
		const cwd = await tempDir();
		const sleep = uniqueSleep();
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 300);
		const result = await sandbox.exec(`sh -c 'exec sleep ${sleep}' & wait`, {
			cwd,
			timeoutMs: 30_000,
			signal: controller.signal,
		});
		expect(result).toMatchObject({ cancelled: true, timedOut: false, exitCode: null });
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("does not start a command whose signal is already aborted", async () => {
		const cwd = await tempDir();
		const result = await sandbox.exec("touch ran", { cwd, timeoutMs: 10_000, signal: AbortSignal.abort() });
		expect(result.cancelled).toBe(true);
		await expect(stat(path.join(cwd, "ran"))).rejects.toThrow();
	});

	it("does not let background processes outlive the command", async () => {
		const cwd = await tempDir();
		const sleep = uniqueSleep();
		const started = Date.now();
		const result = await sandbox.exec(`sh -c 'exec sleep ${sleep}' & sleep 0.2; echo done`, {
			cwd,
			timeoutMs: 10_000,
		});
		expect(result.exitCode).toBe(0);
		expect(result.output).toBe("done\n");
		expect(Date.now() - started).toBeLessThan(5000);
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("lets the command change its workspace and the folders it is given", async () => {
		const workspace = await tempDir();
		await mkdir(path.join(workspace, "sub"));
		const build = await tempDir();
		const result = await sandbox.exec(`echo work > ../made.txt && echo out > "${build}/out.txt"`, {
			cwd: path.join(workspace, "sub"),
			workspace,
			writablePaths: [build],
			timeoutMs: 10_000,
		});
		expect(result.exitCode).toBe(0);
		expect(await readFile(path.join(workspace, "made.txt"), "utf8")).toBe("work\n");
		expect(await readFile(path.join(build, "out.txt"), "utf8")).toBe("out\n");
	});

	// Exercism's C++ bank-account starts a thousand threads at once: the default limits must admit
	// their processes count and the 8 GiB of stacks they reserve.
	it("lets a test start a thousand threads at once", { timeout: 30_000 }, async () => {
		const cwd = await tempDir();
		const script = [
			"import threading, time",
			"threads = [threading.Thread(target=time.sleep, args=(0.5,)) for _ in range(1000)]",
			"for thread in threads: thread.start()",
			"for thread in threads: thread.join()",
			"print('joined', len(threads))",
		].join("\n");
		const result = await sandbox.exec(`python3 -c "${script}"`, { cwd, timeoutMs: 20_000 });
		expect(result.output).toContain("joined 1000");
		expect(result.exitCode).toBe(0);
	});

	it("throws SandboxUnavailableError when the working directory does not exist", async () => {
		const cwd = path.join(await tempDir(), "missing");
		await expect(sandbox.exec("true", { cwd, timeoutMs: 10_000 })).rejects.toBeInstanceOf(SandboxUnavailableError);
	});
});

describe("local sandbox", () => {
	it("gives a process tree that ignores SIGTERM its grace period, then SIGKILL", async () => {
		const sleep = uniqueSleep();
		const result = await new LocalSandbox().exec(`sh -c 'trap "" TERM; while :; do sleep ${sleep}; done' & wait`, {
			cwd: await tempDir(),
			timeoutMs: 300,
		});
		expect(result.timedOut).toBe(true);
		expect(result.durationMs).toBeGreaterThanOrEqual(2000);
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("keeps secrets of the controller out of the command's environment", async () => {
		const previous = process.env.EVALS_TEST_API_KEY;
		process.env.EVALS_TEST_API_KEY = "sk-secret";
		try {
			const sandbox = new LocalSandbox();
			const cwd = await tempDir();
			const hidden = await sandbox.exec('printf "[%s]" "$EVALS_TEST_API_KEY"', { cwd, timeoutMs: 10_000 });
			expect(hidden.output).toBe("[]");
			const explicit = await sandbox.exec('printf "[%s]" "$EVALS_TEST_API_KEY"', {
				cwd,
				timeoutMs: 10_000,
				env: { EVALS_TEST_API_KEY: "given" },
			});
			expect(explicit.output).toBe("[given]");
		} finally {
			if (previous === undefined) delete process.env.EVALS_TEST_API_KEY;
			else process.env.EVALS_TEST_API_KEY = previous;
		}
	});
});

describe("sandbox registry", () => {
	it("knows local and bwrap, and refuses unknown names", () => {
		expect(sandboxNames()).toEqual(expect.arrayContaining(["local", "bwrap"]));
		expect(getSandbox("bwrap").name).toBe("bwrap");
		expect(getSandbox("local").name).toBe("local");
		expect(() => getSandbox("docker-someday")).toThrow(UnknownSandboxError);
	});
});

describe("output capping", () => {
	it("keeps everything under the cap", () => {
		const capture = new HeadTailCapture(100);
		capture.append(Buffer.from("hello "));
		capture.append(Buffer.from("world"));
		expect(capture.toString()).toBe("hello world");
		expect(capture.truncated).toBe(false);
	});

	it("keeps head and tail across chunks and counts what it dropped", () => {
		const capture = new HeadTailCapture(10);
		for (const chunk of ["abc", "defgh", "ijklmnop", "qrstuvwxyz"]) capture.append(Buffer.from(chunk));
		expect(capture.totalBytes).toBe(26);
		expect(capture.toString()).toBe("abcde\n[… 16 bytes of output omitted …]\nvwxyz");
	});

	it("does not split multi-byte characters at the cut", () => {
		const text = "é".repeat(50);
		const capped = capText(text, 21);
		expect(capped).not.toContain("\uFFFD");
		expect(capped).toMatch(/^(é)+\n\[… \d+ bytes of output omitted …\]\n(é)+$/);
	});
});

describe("choosing a sandbox", () => {
	it("auto picks bwrap where bubblewrap works, and says so", async () => {
		const choice = await chooseSandbox("auto");
		expect(choice).toMatchObject({ name: "bwrap", requested: "auto" });
		expect(choice.description).toBe("sandbox bwrap (auto: bubblewrap works here)");
	});

	it("takes a named sandbox as it is, and refuses an unknown name", async () => {
		expect(await chooseSandbox("local")).toMatchObject({ name: "local", requested: "local" });
		expect(await chooseSandbox("bwrap")).toMatchObject({ name: "bwrap" });
		await expect(chooseSandbox("docker-someday")).rejects.toThrow(UnknownSandboxError);
	});

	it("names what is missing when bwrap cannot run", async () => {
		const noTools = new BwrapSandbox({ env: { ...process.env, PATH: "/nonexistent" } });
		expect(await noTools.unavailableReason()).toMatch(/bwrap is not on PATH \(install bubblewrap/);
		await expect(noTools.exec("true", { cwd: await tempDir(), timeoutMs: 5_000 })).rejects.toThrow(
			SandboxUnavailableError,
		);
	});

	it("tells bwrap's own failure from the command's", async () => {
		// A working directory that exists on the host but is hidden inside: bwrap itself fails to chdir.
		const hidden = await tempDir();
		const sandbox = new BwrapSandbox({ hidden: [hidden] });
		await mkdir(path.join(hidden, "ws"));
		const inside = path.join(hidden, "ws");
		const result = await sandbox
			.exec("exit 3", { cwd: inside, workspace: await tempDir(), timeoutMs: 5_000 })
			.catch((error: unknown) => error);
		expect(result).toBeInstanceOf(SandboxUnavailableError);
		expect((result as Error).message).toMatch(/the sandbox did not start/);
		expect((await sandbox.exec("exit 3", { cwd: await tempDir(), timeoutMs: 5_000 })).exitCode).toBe(3);
	});
});

describe("bwrap toolchain caches", () => {
	// Each cache is a mount on every command: a command that names its language gets only that
	// language's, every other one stays hidden with the rest of $HOME.
	it("shows a command only its language's caches, and every cache to a command that names none", async () => {
		const home = await tempDir();
		await mkdir(path.join(home, ".cargo"));
		await writeFile(path.join(home, ".cargo", "marker"), "cargo");
		await mkdir(path.join(home, ".npm"));
		await writeFile(path.join(home, ".npm", "marker"), "npm");
		const sandbox = new BwrapSandbox({ env: { PATH: process.env.PATH, HOME: home } });
		const cwd = await tempDir();
		const seen = async (language?: "rust" | "python" | "javascript") => {
			const result = await sandbox.exec("cat ~/.cargo/marker ~/.npm/marker 2>/dev/null; true", {
				cwd,
				timeoutMs: 20_000,
				...(language ? { language } : {}),
			});
			return result.output;
		};
		expect(await seen("rust")).toBe("cargo");
		expect(await seen("javascript")).toBe("npm");
		expect(await seen("python")).toBe("");
		expect(await seen()).toBe("cargonpm");
	});
});
