import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runOnHost } from "./host.js";
import type { GradingSession } from "./session.js";
import { SharedWork } from "./shared-work.js";

/*
 * A sandbox without network (bwrap) runs the tests; whatever an exercise downloads must be on the
 * machine first. These steps download on the host, outside the sandbox, and only download: a
 * module or crate fetch runs no code of the project, and the Maven warm-up builds the exercise's
 * own pristine files, never the agent's. Each runs once per distinct set of dependencies per
 * process; the tool's own cache (Go's module cache, cargo's registry, ~/.m2) keeps it afterwards.
 */

// Every prepare step may take this long: a first download of a build's dependencies is slow.
const PREPARE_TIMEOUT_MS = 600_000;

const done = new Set<string>();
const inFlight = new SharedWork<void>();

async function once(session: GradingSession, key: string, work: () => Promise<void>): Promise<void> {
	if (done.has(key)) return;
	const { started } = await inFlight.run(
		key,
		async () => {
			await work();
			done.add(key);
		},
		session.signal,
	);
	if (!started) session.note("dependencies prepared by another grading of this process");
}

function hash(...parts: string[]): string {
	return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 24);
}

/** Runs a download on the host and records it in the grading's output; a failure is noted, not fatal. */
async function download(session: GradingSession, command: string, cwd: string, env: Record<string, string>) {
	session.note(`downloading dependencies on the host, before the sandbox (no network) runs the tests, in ${cwd}`);
	const result = await runOnHost(command, { cwd, timeoutMs: PREPARE_TIMEOUT_MS, env, signal: session.signal });
	session.record(command, result, PREPARE_TIMEOUT_MS);
	if (result.exitCode !== 0) session.note("the download failed; the tests run with what the machine has");
}

/** Go: the modules go.mod requires, into the module cache (`go mod download`, run on a copy of go.mod and go.sum). */
export async function prepareGoModules(session: GradingSession): Promise<void> {
	const goMod = await readFile(path.join(session.workspace, "go.mod"), "utf8").catch(() => undefined);
	if (goMod === undefined || !/^\s*require\b/m.test(goMod)) return;
	const goSum = await readFile(path.join(session.workspace, "go.sum"), "utf8").catch(() => "");
	await once(session, `go\0${hash(goMod, goSum)}`, async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), "agent-evals-go-mod-"));
		try {
			await writeFile(path.join(dir, "go.mod"), goMod);
			if (goSum !== "") await writeFile(path.join(dir, "go.sum"), goSum);
			await download(session, "go mod download", dir, { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" });
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
}

// [dependencies], [dev-dependencies], [build-dependencies], [dependencies.x], [target.….dependencies]
const CARGO_DEPENDENCY_HEADER =
	/^\[\s*(target\s*\.\s*(?:'[^']*'|"[^"]*"|[\w.-]+)\s*\.\s*)?(dev-|build-)?dependencies\b/;

/** A manifest of only `manifest`'s dependency tables, for a package of our own with an empty library. */
export function fetchManifest(manifest: string): string | undefined {
	const tables: string[][] = [];
	let current: string[] | undefined;
	for (const line of manifest.split(/\r?\n/)) {
		if (/^\s*\[/.test(line)) {
			current = CARGO_DEPENDENCY_HEADER.test(line.trim()) ? [line.trim()] : undefined;
			if (current) tables.push(current);
		} else current?.push(line);
	}
	const body = tables
		.filter((table) => table.slice(1).some((line) => /^\s*[\w"'-]/.test(line)))
		.map((table) => table.join("\n").trimEnd());
	if (body.length === 0) return undefined;
	const edition = /^\s*edition\s*=\s*"(\d+)"/m.exec(manifest)?.[1] ?? "2021";
	return `[package]\nname = "agent-evals-fetch"\nversion = "0.0.0"\nedition = "${edition}"\n\n${body.join("\n\n")}\n`;
}

/** Rust: the crates Cargo.toml depends on, into cargo's registry (`cargo fetch` on a manifest of only them). */
export async function prepareCrates(session: GradingSession): Promise<void> {
	const manifest = await readFile(path.join(session.workspace, "Cargo.toml"), "utf8").catch(() => undefined);
	const fetch = manifest === undefined ? undefined : fetchManifest(manifest);
	if (fetch === undefined) return;
	const lock = await readFile(path.join(session.workspace, "Cargo.lock"), "utf8").catch(() => "");
	await once(session, `cargo\0${hash(fetch, lock)}`, async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), "agent-evals-cargo-fetch-"));
		try {
			await mkdir(path.join(dir, "src"));
			await writeFile(path.join(dir, "src", "lib.rs"), "");
			await writeFile(path.join(dir, "Cargo.toml"), fetch);
			if (lock !== "") await writeFile(path.join(dir, "Cargo.lock"), lock);
			await download(session, "cargo fetch", dir, { CARGO_TERM_COLOR: "never", CARGO_NET_OFFLINE: "false" });
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
}

/**
 * Maven: resolves every plugin and dependency a test run of the build needs, including the test
 * provider Surefire picks only when tests run, by building `pristineDir` (the exercise's own
 * files) on the host and running no test (`-Dtest=` matching none). `pom` is the pom to build
 * with, relative to or inside `pristineDir`.
 */
export async function warmMaven(session: GradingSession, pomText: string, pristineDir: string, pom: string) {
	await once(session, `maven\0${hash(pomText)}`, () =>
		download(
			session,
			`mvn -q -B -Dstyle.color=never -f '${pom.replaceAll("'", "'\\''")}' -Dtest=agent_evals_no_test -Dsurefire.failIfNoSpecifiedTests=false test`,
			pristineDir,
			{},
		),
	);
}
