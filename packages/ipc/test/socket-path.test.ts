import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeStaleSocket, SocketInUseError, toPlatformSocketPath } from "@agent-evals/ipc";
import { describe, expect, it } from "vitest";

describe("toPlatformSocketPath", () => {
	it("leaves POSIX paths alone", () => {
		expect(toPlatformSocketPath("/tmp/roo.sock", "linux")).toBe("/tmp/roo.sock");
		expect(toPlatformSocketPath("/tmp/roo.sock", "darwin")).toBe("/tmp/roo.sock");
	});

	it("turns a path into a named pipe on Windows, as node-ipc does", () => {
		expect(toPlatformSocketPath("/tmp/evals/roo.sock", "win32")).toBe("\\\\.\\pipe\\tmp-evals-roo.sock");
		expect(toPlatformSocketPath("\\\\.\\pipe\\roo", "win32")).toBe("\\\\.\\pipe\\roo");
	});
});

describe("removeStaleSocket", () => {
	it("does nothing when the path does not exist", async () => {
		const dir = await mkdtemp(join(tmpdir(), "ipc-path-"));
		await expect(removeStaleSocket(join(dir, "none.sock"))).resolves.toBeUndefined();
	});

	it("never deletes a regular file", async () => {
		const dir = await mkdtemp(join(tmpdir(), "ipc-path-"));
		const file = join(dir, "notes.txt");
		await writeFile(file, "mine");
		await expect(removeStaleSocket(file)).rejects.toThrow(/is not a socket/);
	});

	it("refuses to take over a socket a live server answers on", async () => {
		const dir = await mkdtemp(join(tmpdir(), "ipc-path-"));
		const path = join(dir, "live.sock");
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(path, resolve));
		try {
			await expect(removeStaleSocket(path)).rejects.toBeInstanceOf(SocketInUseError);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
