import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { arch, cpus, platform, release, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Language, languages, type RunEnvironment } from "@agent-evals/types";
import { listFiles } from "../exercises/files.js";
import type { Exercise } from "../exercises/types.js";

/*
 * What a run was made with, stored beside it so that two runs can be compared knowing whether
 * they ran the same code, the same exercises and the same toolchains: agent-evals' version and
 * git revision, the selected exercises' content hash, the toolchain versions on this machine,
 * and the machine itself.
 */

// Generous: `mvn -v` starts a JVM, which takes seconds on a loaded machine, and a probe cut short
// records the tool as missing. The probes run while the store opens, so this rarely delays a run.
const PROBE_TIMEOUT_MS = 20_000;
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** The toolchains graders use, and how each tells its version (first line of its output). */
const TOOLCHAINS = {
	node: [process.execPath, ["--version"]],
	go: ["go", ["version"]],
	python: ["python3", ["--version"]],
	pytest: ["python3", ["-m", "pytest", "--version"]],
	cargo: ["cargo", ["--version"]],
	java: ["java", ["-version"]],
	maven: ["mvn", ["-v"]],
	cmake: ["cmake", ["--version"]],
} satisfies Record<string, [string, string[]]>;
type Toolchain = keyof typeof TOOLCHAINS;

/**
 * The toolchains that grade each language, besides node (always recorded: it runs the agent). A
 * run records only its languages' toolchains: probing Maven starts a JVM, seconds of CPU on a
 * loaded machine that a run without Java should not spend before its first task.
 */
const TOOLCHAINS_OF: Record<Language, Toolchain[]> = {
	cpp: ["cmake"],
	go: ["go"],
	java: ["java", "maven"],
	javascript: [],
	python: ["python", "pytest"],
	rust: ["cargo"],
	typescript: [],
};

const toolchainProbes = new Map<Toolchain, Promise<string | null>>();
let build: Promise<{ version: string; gitRevision: string | null }> | undefined;

/**
 * Starts probing the build and the toolchains of these languages (default: all) so the probes
 * overlap with opening the store; describeEnvironment then finds them done.
 */
export function probeEnvironment(forLanguages: readonly Language[] = languages): void {
	for (const name of toolchainsOf(forLanguages)) probeToolchain(name);
	build ??= probeBuild();
}

/** The record for a run of these exercises; toolchain and build facts are probed once per process. */
export async function describeEnvironment(exercises: readonly Exercise[]): Promise<RunEnvironment> {
	const needed = toolchainsOf(exercises.map((exercise) => exercise.language));
	build ??= probeBuild();
	const [found, agentEvals, hashes] = await Promise.all([
		Promise.all(needed.map(async (name) => [name, await probeToolchain(name)] as const)).then(Object.fromEntries),
		build,
		exerciseHashes(exercises),
	]);
	const suite = createHash("sha256");
	for (const [key, hash] of Object.entries(hashes)) suite.update(`${key}\0${hash}\0`);
	return {
		agentEvals,
		suiteHash: suite.digest("hex"),
		exerciseHashes: hashes,
		toolchains: found,
		machine: {
			os: `${platform()} ${release()}`,
			arch: arch(),
			cpus: cpus().length,
			memoryGb: Math.round(totalmem() / 2 ** 30),
			node: process.version,
		},
	};
}

/**
 * sha256 over each exercise's files (relative path and bytes, in a fixed order), by
 * language/exercise: the same hash means the same tests, stubs and references.
 */
export async function exerciseHashes(exercises: readonly Exercise[]): Promise<Record<string, string>> {
	const sorted = [...exercises].sort((a, b) => `${a.language}/${a.name}`.localeCompare(`${b.language}/${b.name}`));
	const hashes: Record<string, string> = {};
	for (const exercise of sorted) {
		const hash = createHash("sha256");
		for (const file of (await listFiles(exercise.dir, { includeHidden: true })).sort()) {
			hash.update(`${file}\0`);
			hash.update(await readFile(path.join(exercise.dir, file)));
			hash.update("\0");
		}
		hashes[`${exercise.language}/${exercise.name}`] = hash.digest("hex");
	}
	return hashes;
}

function toolchainsOf(forLanguages: readonly Language[]): Toolchain[] {
	return ["node", ...new Set(forLanguages.flatMap((language) => TOOLCHAINS_OF[language]))];
}

function probeToolchain(name: Toolchain): Promise<string | null> {
	let probe = toolchainProbes.get(name);
	if (!probe) {
		const [command, args] = TOOLCHAINS[name];
		probe = firstLine(command, args);
		toolchainProbes.set(name, probe);
	}
	return probe;
}

async function probeBuild(): Promise<{ version: string; gitRevision: string | null }> {
	const version = await readFile(path.join(repoRoot, "package.json"), "utf8")
		.then((text) => String((JSON.parse(text) as { version?: unknown }).version ?? "unknown"))
		.catch(() => "unknown");
	const revision = await firstLine("git", ["-C", repoRoot, "rev-parse", "HEAD"]);
	// A checkout with changes is not the revision it names.
	const dirty = revision
		? await firstLine("git", ["-C", repoRoot, "status", "--porcelain", "--untracked-files=no"])
		: null;
	return { version, gitRevision: revision ? `${revision}${dirty ? "-dirty" : ""}` : null };
}

/** The first line a command prints (stdout, else stderr: java -version), or null when it cannot run. */
function firstLine(command: string, args: string[]): Promise<string | null> {
	return new Promise((resolve) => {
		execFile(command, args, { timeout: PROBE_TIMEOUT_MS }, (error, stdout, stderr) => {
			const text = `${stdout}`.trim() || `${stderr}`.trim();
			if (error && !text) return resolve(null);
			if (error && (error as NodeJS.ErrnoException).code === "ENOENT") return resolve(null);
			resolve(text.split("\n")[0]?.trim() || null);
		});
	});
}

/**
 * What differs between two runs' records that can change results: the content of the exercises
 * both ran, the toolchains, agent-evals itself.
 */
export function environmentDifferences(a: RunEnvironment | null, b: RunEnvironment | null): string[] {
	if (!a || !b) return a === b ? [] : ["one run has no environment record (made before agent-evals recorded it)"];
	const differences: string[] = [];
	const changed = Object.keys(a.exerciseHashes).filter(
		(key) => key in b.exerciseHashes && a.exerciseHashes[key] !== b.exerciseHashes[key],
	);
	if (changed.length > 0) differences.push(`the exercises changed between the runs: ${changed.join(", ")}`);
	// A toolchain only one run recorded was not probed for the other (its languages did not need it).
	for (const name of Object.keys(a.toolchains).filter((key) => key in b.toolchains)) {
		const [left, right] = [a.toolchains[name] ?? null, b.toolchains[name] ?? null];
		if (left !== right) differences.push(`${name}: ${left ?? "not found"} vs ${right ?? "not found"}`);
	}
	if (a.agentEvals.gitRevision !== b.agentEvals.gitRevision) {
		differences.push(
			`agent-evals: ${a.agentEvals.gitRevision ?? a.agentEvals.version} vs ${b.agentEvals.gitRevision ?? b.agentEvals.version}`,
		);
	}
	return differences;
}
