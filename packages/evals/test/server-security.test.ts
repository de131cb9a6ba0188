import { cpSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { apiErrorSchema } from "@agent-evals/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateSocketPath } from "../src/run/agent-session.js";
import { bundledSuitePath } from "../src/run/defaults.js";
import { suiteRootsFrom } from "../src/server/suite-roots.js";
import { RUNNER_SUITE, tempDir } from "./helpers/runner.js";
import { apiHarness, type Reply } from "./helpers/server.js";

/*
 * R9: each request a hostile caller could send to the dashboard API, and the one answer it gets.
 * The access rules of tokens and origins are tested in server-api.test.ts; here: suite paths,
 * body sizes, bad JSON, security headers, mutations without the token from loopback, the socket.
 */

type Api = Awaited<ReturnType<typeof apiHarness>>;
const errorOf = (reply: Reply) => apiErrorSchema.parse(reply.body).error;

// A second suite root, and a folder beside it that is not one.
const extraRoot = tempDir("extra-suites");
const outside = tempDir("not-a-suite-root");
const token = "0123456789abcdef0123456789abcdef";

let api: Api;
let guarded: Api;
beforeAll(async () => {
	mkdirSync(join(outside, "python"), { recursive: true });
	writeFileSync(join(outside, "secret.txt"), "not for the API\n");
	// A link inside an allowed root that leads out of it.
	symlinkSync(outside, join(extraRoot, "escape"));
	api = await apiHarness({
		suiteRoots: suiteRootsFrom({ EVALS_SUITE_ROOTS: extraRoot }, [RUNNER_SUITE, bundledSuitePath()]),
	});
	guarded = await apiHarness({ token });
});
afterAll(async () => {
	await api?.close();
	await guarded?.close();
	await Promise.all([extraRoot, outside].map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("R9: suite paths from the API", () => {
	const traversals = () => [
		"/etc",
		outside,
		join(RUNNER_SUITE, "..", "..", ".."),
		`${bundledSuitePath()}/../../..`,
		join(extraRoot, "escape"),
		join(extraRoot, "escape", "python"),
		"../../../../../../etc",
	];

	it("refuses a suite outside the allowed roots on GET /api/exercises, whatever the spelling", async () => {
		for (const suite of traversals()) {
			const reply = await api.call("GET", `/api/exercises?suite=${encodeURIComponent(suite)}`);
			expect(reply.status, suite).toBe(400);
			expect(errorOf(reply).message, suite).toMatch(/outside the folders this server loads suites from/);
			expect(errorOf(reply).message).toMatch(/EVALS_SUITE_ROOTS/);
			expect(reply.text).not.toContain("not for the API");
		}
	});

	it("refuses the same suites on POST /api/runs, and creates no run", async () => {
		const before = ((await api.call("GET", "/api/runs")).body as { total: number }).total;
		for (const suite of traversals()) {
			const reply = await api.call("POST", "/api/runs", { body: { suite } });
			expect(reply.status, suite).toBe(400);
			expect(errorOf(reply)).toMatchObject({ code: "bad_request", issues: [{ path: "suite" }] });
		}
		expect(((await api.call("GET", "/api/runs")).body as { total: number }).total).toBe(before);
	});

	it("loads suites inside the default, the bundled and the configured roots", async () => {
		const copy = join(extraRoot, "copy");
		cpSync(RUNNER_SUITE, copy, { recursive: true });
		const inExtra = await api.call("GET", `/api/exercises?suite=${encodeURIComponent(copy)}`);
		expect(inExtra.status, inExtra.text).toBe(200);
		const bundled = await api.call("GET", `/api/exercises?suite=${encodeURIComponent(bundledSuitePath())}`);
		expect(bundled.status).toBe(200);
		const missingInside = await api.call(
			"GET",
			`/api/exercises?suite=${encodeURIComponent(join(extraRoot, "missing"))}`,
		);
		expect(missingInside.status).toBe(400);
		expect(errorOf(missingInside).message).toMatch(/does not exist/);
	});

	it("reads EVALS_SUITE_ROOTS as a PATH-like list", () => {
		expect(suiteRootsFrom({ EVALS_SUITE_ROOTS: `/a:/b/../c::` }, ["/d", "/a"])).toEqual(["/d", "/a", "/c"]);
		expect(suiteRootsFrom({}, ["/d"])).toEqual(["/d"]);
	});
});

describe("R9: bodies", () => {
	it("refuses an oversized body on every mutating route, with the one error shape", async () => {
		const body = { description: "x".repeat(1024 * 1024 + 1) };
		for (const [method, path] of [
			["POST", "/api/runs"],
			["POST", "/api/runs/1/cancel"],
			["POST", "/api/tasks/1/requeue"],
			["DELETE", "/api/runs/1"],
		] as const) {
			const reply = await api.call(method, path, { body });
			expect(reply.status, path).toBe(400);
			expect(errorOf(reply).message, path).toBe("The body is larger than 1 MB.");
		}
	});

	it("answers bad JSON with the one error shape, never a stack trace", async () => {
		for (const raw of ["{not json", '{"model": "oracle",}', "[1, 2", "\u0000"]) {
			const reply = await api.call("POST", "/api/runs", { raw, headers: { "content-type": "application/json" } });
			expect(reply.status).toBe(400);
			expect(Object.keys(reply.body as object)).toEqual(["error"]);
			expect(errorOf(reply).code).toBe("bad_request");
			expect(reply.text).not.toMatch(/\n\s+at /);
		}
	});
});

describe("R9: security headers", () => {
	it("sends a content security policy and anti-framing headers with the SPA and the API", async () => {
		for (const path of ["/", "/runs/1", "/api/health", "/api/nowhere"]) {
			const reply = await api.call("GET", path);
			const csp = reply.headers.get("content-security-policy") ?? "";
			expect(csp, path).toContain("default-src 'self'");
			expect(csp).toContain("script-src 'self'");
			expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
			expect(csp).toContain("frame-ancestors 'none'");
			expect(reply.headers.get("x-frame-options")).toBe("DENY");
			expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
			expect(reply.headers.get("referrer-policy")).toBe("no-referrer");
		}
	});
});

describe("R9: mutations need the token, even from loopback", () => {
	it("refuses POST and DELETE without it from a loopback page, and accepts them with it", async () => {
		const loopback = { origin: "http://127.0.0.1:3446" };
		for (const [method, path] of [
			["POST", "/api/runs"],
			["POST", "/api/runs/1/cancel"],
			["POST", "/api/tasks/1/cancel"],
			["DELETE", "/api/runs/1"],
		] as const) {
			const reply = await guarded.call(method, path, { body: {}, headers: loopback });
			expect(reply.status, path).toBe(401);
			expect(errorOf(reply).code).toBe("unauthorized");
		}
		const authorized = await guarded.call("POST", "/api/runs/999/cancel", {
			body: {},
			headers: { ...loopback, authorization: `Bearer ${token}` },
		});
		expect(authorized.status).toBe(404);
	});
});

describe("R9: the agent's IPC socket", () => {
	it("lives in a folder only this user may enter", async () => {
		const { dir, socketPath } = await privateSocketPath();
		try {
			expect(statSync(dir).mode & 0o777).toBe(0o700);
			expect(socketPath.startsWith(`${dir}/`)).toBe(true);
			expect(Buffer.byteLength(socketPath)).toBeLessThan(104);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
