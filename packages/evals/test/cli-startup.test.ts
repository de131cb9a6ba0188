import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { EVALS_CLI, tempDir } from "./helpers/runner.js";

/*
 * `evals run` says its first line before the store, the runner and the server load (a second or
 * more on a busy machine). That holds only while the modules loaded before it stay light: this
 * walks the static imports of the compiled CLI from `main.js` through `run`'s definition and
 * fails when one of them reaches a heavy module again.
 */

const DIST = dirname(dirname(EVALS_CLI));
const PACKAGES = dirname(dirname(DIST));

/** A workspace package's compiled module, as its exports map names it for Node (`default`). */
function workspaceModule(specifier: string): string {
	const [, name = "", sub] = /^@agent-evals\/([^/]+)(?:\/(.+))?$/.exec(specifier) ?? [];
	const manifest = JSON.parse(readFileSync(join(PACKAGES, name, "package.json"), "utf8")) as {
		exports: Record<string, { default: string }>;
	};
	const entry = manifest.exports[sub ? `./${sub}` : "."];
	if (!entry) throw new Error(`${specifier} is not exported by @agent-evals/${name}`);
	return join(PACKAGES, name, entry.default);
}

/** Modules whose loading is what the first line must not wait for. */
const HEAVY = [
	/\/dist\/db\/client\.js$/,
	/\/dist\/run\/controller\.js$/,
	/\/dist\/server\/(app|index)\.js$/,
	/\/dist\/worker\//,
	/^@electric-sql\/pglite/,
	/^drizzle-orm/,
	/^bullmq$/,
	/^ioredis$/,
	/^hono/,
	/^@opentelemetry\//,
	/^ai$/,
];

/** Every module reachable from `entry` through static imports; bare ones are kept by name. */
function staticGraph(entry: string): Map<string, string> {
	const seen = new Map<string, string>([[entry, "(entry)"]]);
	const queue = [entry];
	while (queue.length > 0) {
		const file = queue.shift() as string;
		const text = readFileSync(file, "utf8");
		// Static imports and re-exports only: `await import()` is what defers a module.
		for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm)) {
			const specifier = match[1] ?? match[2] ?? "";
			if (specifier.startsWith("node:")) continue;
			let target: string;
			if (specifier.startsWith(".")) target = resolve(dirname(file), specifier);
			else if (specifier.startsWith("@agent-evals/")) target = workspaceModule(specifier);
			else target = specifier;
			if (seen.has(target)) continue;
			seen.set(target, file);
			if (target.startsWith("/")) queue.push(target);
		}
	}
	return seen;
}

function chain(graph: Map<string, string>, module: string): string {
	const path = [module];
	let current = graph.get(module);
	while (current && current !== "(entry)") {
		path.unshift(current);
		current = graph.get(current);
	}
	return path.map((file) => file.replace(`${dirname(DIST)}/`, "")).join(" → ");
}

describe("evals start-up", () => {
	it("loads nothing heavy before `evals run` says its first line", () => {
		// main.js imports no command statically; `evals run` then loads the run command's definition.
		const graphs = [staticGraph(join(DIST, "cli", "main.js")), staticGraph(join(DIST, "cli", "commands", "run.js"))];
		const heavy = graphs.flatMap((graph) =>
			[...graph.keys()]
				.filter((module) => HEAVY.some((pattern) => pattern.test(module)))
				.map((module) => chain(graph, module)),
		);
		expect(heavy, "modules loaded before the first line").toEqual([]);
		// The walk itself works: the runner behind the deferred import is heavy.
		const action = staticGraph(join(DIST, "cli", "commands", "run-action.js"));
		expect([...action.keys()].some((module) => /\/dist\/db\/client\.js$/.test(module))).toBe(true);
	});

	it("runs on the embedded defaults without loading the clients of services it does not use", () => {
		// Redis (bus), BullMQ (distributed queue) and pg (a PostgreSQL server) load only when asked for.
		const graph = staticGraph(join(DIST, "cli", "commands", "run-action.js"));
		const services = [...graph.keys()].filter((module) =>
			[/^bullmq$/, /^ioredis$/, /^pg$/, /^drizzle-orm\/node-postgres/, /\/dist\/bus\/redis-bus\.js$/].some((pattern) =>
				pattern.test(module),
			),
		);
		expect(services.map((module) => chain(graph, module))).toEqual([]);
		expect(graph.has("@electric-sql/pglite"), "the walk reaches the embedded database").toBe(true);
	});

	it("ends quietly when its reader stops early (`evals run --help | head -1`)", async () => {
		const child = spawn(process.execPath, [EVALS_CLI, "run", "--help"], { stdio: ["ignore", "pipe", "pipe"] });
		let stderr = "";
		child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
			stderr += chunk;
		});
		// Like a `head` that has already quit: the pipe is closed before the help is written.
		child.stdout.destroy();
		const code = await new Promise<number | null>((resolve) => child.once("close", (exit) => resolve(exit)));
		expect(stderr).not.toMatch(/EPIPE|Error/);
		expect(code).toBe(0);
	});

	it("says its first line, then the run's, and loads every command for --help", { timeout: 180_000 }, async () => {
		const home = tempDir("evals-startup");
		const result = await runCli(["run", "-x", "python/roman-numerals"], { home, timeoutMs: 120_000 });
		expect(result.code).toBe(0);
		const lines = result.stderr.split("\n");
		expect(lines[0]).toMatch(/^Starting: oracle \(builtin agent\), concurrency 2…$/);
		expect(lines[1]).toMatch(/^Run 1: 1 task with oracle/);
		const help = await runCli(["--help"], { home });
		for (const name of [
			"run",
			"runs",
			"show",
			"serve",
			"worker",
			"agents",
			"validate",
			"compare",
			"flaky",
			"observe",
		]) {
			expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
		}
	});
});
