import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chmod, cp, lstat, mkdir, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type Exercise, loadSuite, prepareReference, prepareWorkspace, type Suite } from "../src/exercises/index.js";
import {
	DependencyCache,
	type DependencyInputs,
	dependencyKey,
	gradeExercise,
	INSTALL_LOG,
	JavaScriptRunner,
	type ManagerName,
	PackageManagerDeclarationError,
	planPackageManager,
	readDependencyInputs,
	removeTree,
	uncacheableReason,
} from "../src/grading/index.js";
import { SharedWork } from "../src/grading/shared-work.js";
import { firstDifference, listTree } from "../src/grading/tree-listing.js";
import { BwrapSandbox, getSandbox } from "../src/sandbox/index.js";
import { fixtureSuite, tempDirs } from "./helpers/grading.js";

const sandbox = getSandbox("local");
const here = path.dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);
const tempDir = tempDirs("evals-js-");

/** A cache folder for this file: entries are read-only, so plain rm cannot remove it. */
const caches: string[] = [];
afterAll(async () => {
	await Promise.all(caches.map((dir) => removeTree(dir)));
});
async function tempCache(): Promise<string> {
	const dir = path.join(await tempDir(), "js");
	caches.push(dir);
	return dir;
}

let suite: Promise<Suite> | undefined;
async function exercise(name: string): Promise<Exercise> {
	suite ??= loadSuite(fixtureSuite("js-managers"));
	const found = (await suite).exercises.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`js-managers: ${name} missing`);
	return found;
}

async function workspace(ex: Exercise, solved: boolean): Promise<string> {
	const ws = path.join(await tempDir(), ex.name);
	await prepareWorkspace(ex, ws);
	if (solved) {
		const reference = await tempDir();
		await prepareReference(ex, reference);
		await cp(reference, ws, { recursive: true });
	}
	return ws;
}

/** Lines of the cache's install log: one per install that finished. */
async function installs(
	cacheDir: string,
	depsDir = path.join(cacheDir, "deps"),
): Promise<{ key: string; manager: string; outcome: string }[]> {
	const text = await readFile(path.join(depsDir, INSTALL_LOG), "utf8").catch(() => "");
	return text
		.split("\n")
		.filter(Boolean)
		.map((line) => JSON.parse(line));
}

describe("package managers the exercise declares", { timeout: 600_000 }, () => {
	it("pnpm through corepack: `corepack pnpm jest` passes the reference, fails the stub, one install", async () => {
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise("leap-pnpm");

		const solved = await workspace(ex, true);
		const pass = await gradeExercise(ex, solved, sandbox, { runner });
		expect(pass, pass.output).toMatchObject({ verdict: "passed", summary: "4 passed", unskipped: ["leap.spec.js"] });
		expect(pass.output).toContain("pnpm 9.15.2 through corepack (from packageManager)");
		expect(pass.commands.map((c) => c.command)).toEqual([
			expect.stringMatching(/^pnpm install --no-frozen-lockfile --store-dir /),
			"pnpm test",
		]);

		const stub = await workspace(ex, false);
		const fail = await gradeExercise(ex, stub, sandbox, { runner });
		expect(fail, fail.output).toMatchObject({ verdict: "failed", summary: "0 passed, 4 failed" });
		expect(fail.commands.map((c) => c.command)).toEqual(["pnpm test"]);
		expect(fail.output).toMatch(/dependencies from the cache: /);

		expect(await installs(cacheDir)).toEqual([
			expect.objectContaining({ manager: "pnpm 9.15.2", outcome: "published" }),
		]);
		// The workspace links into the cache entry; nothing was installed in the workspace itself.
		const linked = await readlink(path.join(stub, "node_modules", "jest"));
		expect(linked.startsWith(path.join(cacheDir, "deps"))).toBe(true);
	});

	it("yarn 1 from packageManager, with its yarn.lock", async () => {
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise("leap-years-yarn");
		const pass = await gradeExercise(ex, await workspace(ex, true), sandbox, { runner });
		expect(pass, pass.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(pass.output).toContain("yarn 1.22.22 through corepack (from packageManager)");
		expect(pass.commands.map((c) => c.command)).toEqual(["yarn install --non-interactive --no-progress", "yarn test"]);
		const fail = await gradeExercise(ex, await workspace(ex, false), sandbox, { runner });
		expect(fail, fail.output).toMatchObject({ verdict: "failed", summary: "0 passed, 3 failed" });
		expect(await installs(cacheDir)).toEqual([expect.objectContaining({ manager: "yarn 1.22.22" })]);
	});

	it("yarn 4 with a node_modules linker, fetched from the npm registry", async () => {
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise("leap-years-yarn-berry");
		const pass = await gradeExercise(ex, await workspace(ex, true), sandbox, { runner });
		expect(pass, pass.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(pass.output).toContain("yarn 4.5.3 through corepack (from packageManager)");
		expect(pass.commands.map((c) => c.command)).toEqual(["yarn install", "yarn test"]);
		const fail = await gradeExercise(ex, await workspace(ex, false), sandbox, { runner });
		expect(fail, fail.output).toMatchObject({ verdict: "failed", summary: "0 passed, 3 failed" });
		expect(await installs(cacheDir)).toEqual([expect.objectContaining({ manager: "yarn 4.5.3" })]);
	});

	it("a pnpm lockfile without packageManager: corepack's own pnpm version, verified by its pinned hash", async () => {
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise("leap-years-pnpm-lockfile");
		const pass = await gradeExercise(ex, await workspace(ex, true), sandbox, { runner });
		expect(pass, pass.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(pass.output).toMatch(/^# pnpm \d+\.\d+\.\d+ through corepack \(from pnpm-lock\.yaml\)$/m);
		expect(pass.output).not.toContain("could not verify");
		expect(pass.commands.map((c) => c.command)).toEqual([
			expect.stringMatching(/^pnpm install --no-frozen-lockfile --store-dir /),
			"pnpm test",
		]);
	});

	it("an unreachable registry is infra, and leaves nothing in the cache", async () => {
		const cacheDir = await tempCache();
		// Port 9 (discard) refuses connections; no retries, so the failure is quick.
		const env = { npm_config_registry: "http://127.0.0.1:9/", npm_config_fetch_retries: "0" };
		const runner = new JavaScriptRunner("javascript", { cacheDir, env });
		const ex = await exercise("leap-years-npm-unlocked");
		const result = await gradeExercise(ex, await workspace(ex, true), sandbox, { runner });
		expect(result.verdict, result.output).toBe("infra");
		expect(result.summary).toMatch(
			/^installing the exercise's dependencies with npm \S+ could not reach the registry \(exit code 1\)$/,
		);
		expect(result.output).toContain("ECONNREFUSED");
		expect(result.commands.map((c) => c.command)).toEqual(["npm install --no-audit --no-fund"]);
		expect((await readdir(path.join(cacheDir, "deps"))).filter((name) => !name.endsWith(".lock"))).toEqual([]);
	});

	it.each([
		["leap-years-npm", "with a lockfile"],
		["leap-years-npm-unlocked", "without a lockfile"],
	])("npm from PATH %s (%s), no corepack", async (name) => {
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise(name);
		const pass = await gradeExercise(ex, await workspace(ex, true), sandbox, { runner });
		expect(pass, pass.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(pass.commands.map((c) => c.command)).toEqual(["npm install --no-audit --no-fund", "npm test"]);
		expect(pass.output).not.toContain("corepack");
		const fail = await gradeExercise(ex, await workspace(ex, false), sandbox, { runner });
		expect(fail, fail.output).toMatchObject({ verdict: "failed", summary: "0 passed, 3 failed" });
		expect(await installs(cacheDir)).toEqual([expect.objectContaining({ manager: expect.stringMatching(/^npm \d/) })]);
	});

	it("a declared version the registry does not have is infra, naming it", async () => {
		const runner = new JavaScriptRunner("javascript", { cacheDir: await tempCache() });
		const ex = await exercise("leap-missing-manager");
		const result = await gradeExercise(ex, await workspace(ex, true), sandbox, { runner });
		expect(result.verdict).toBe("infra");
		expect(result.summary).toMatch(
			/^pnpm@0\.0\.404 \(declared by packageManager in package\.json\) cannot be had: .*HTTP 404/,
		);
		expect(result.commands).toEqual([]);
	});

	it("a manager corepack does not know is infra, naming it", async () => {
		const runner = new JavaScriptRunner("javascript", { cacheDir: await tempCache() });
		const ex = await exercise("leap-unsupported-manager");
		expect(await gradeExercise(ex, await workspace(ex, true), sandbox, { runner })).toMatchObject({
			verdict: "infra",
			summary: 'package.json declares packageManager "bun@1.1.38": bun is not supported (npm, pnpm and yarn are)',
			commands: [],
		});
	});

	it("fetches corepack from the registry, once, when PATH has none", async () => {
		// A PATH with node, npm and the few tools scripts use, but no corepack.
		const bin = await tempDir();
		for (const tool of ["node", "npm", "npx", "sh", "dirname", "sed", "uname", "cat"]) {
			await symlink(
				execFileSync("/bin/sh", ["-c", `readlink -f "$(command -v ${tool})"`], { encoding: "utf8" }).trim(),
				path.join(bin, tool),
			);
		}
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir, env: { PATH: bin } });
		const ex = await exercise("leap-years-yarn");
		const pass = await gradeExercise(ex, await workspace(ex, true), sandbox, { runner });
		expect(pass, pass.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(pass.output).toContain("yarn 1.22.22 through corepack");
		expect(
			(await lstat(path.join(cacheDir, "corepack-cli", "node_modules", ".bin", "corepack"))).isSymbolicLink(),
		).toBe(true);
	});

	it("20 exercises sharing one dependency set validate with a single install", { timeout: 1_200_000 }, async () => {
		// `evals validate` as a user runs it: a suite of 20 copies of the pnpm exercise, differing in
		// their names, and a cache of their own.
		const root = await tempDir();
		const practice = path.join(root, "javascript", "exercises", "practice");
		const template = (await exercise("leap-pnpm")).dir;
		for (let i = 1; i <= 20; i++) {
			const name = `leap-${String(i).padStart(2, "0")}`;
			await cp(template, path.join(practice, name), { recursive: true });
			const manifestFile = path.join(practice, name, "package.json");
			const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
			await writeFile(manifestFile, JSON.stringify({ ...manifest, name: `@fixture/${name}` }, null, "\t"));
		}
		const cacheRoot = await tempDir();
		caches.push(path.join(cacheRoot, "js"));
		const cli = path.join(here, "..", "dist", "cli", "main.js");
		const { stdout } = await execFileAsync(process.execPath, [cli, "validate", "--suite", root, "--json", "-c", "2"], {
			env: { ...process.env, EVALS_CACHE_DIR: cacheRoot, EVALS_HOME: path.join(root, ".evals") },
			maxBuffer: 16 * 1024 * 1024,
		});
		const report = JSON.parse(stdout);
		expect(report.summary).toMatchObject({
			referencePass: 20,
			referenceFail: 0,
			stubPass: 0,
			stubFail: 20,
			skipped: 0,
		});
		expect(await installs(path.join(cacheRoot, "js"))).toEqual([
			expect.objectContaining({ manager: "pnpm 9.15.2", outcome: "published" }),
		]);
	});
});

describe("the dependency cache stays the exercise's", { timeout: 600_000 }, () => {
	const writeSolution = async (ws: string, extra: string) => {
		const reference = await readFile(path.join((await exercise("leap-years-npm")).dir, ".meta", "example.js"), "utf8");
		await writeFile(path.join(ws, "leap-years.js"), `${extra}\n${reference}`);
	};

	it("replaces an agent's node_modules, lets tools write node_modules/.cache, and discards an entry the tests changed", async () => {
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise("leap-years-npm");

		// The agent installed something of its own; the solution writes a tool cache, as babel-loader does.
		const first = await workspace(ex, false);
		await mkdir(path.join(first, "node_modules", "dequal"), { recursive: true });
		await writeFile(path.join(first, "node_modules", "dequal", "index.js"), "exports.dequal = () => true;\n");
		await writeSolution(
			first,
			[
				'const toolCache = require("node:path").join(__dirname, "node_modules", ".cache", "tool");',
				'require("node:fs").mkdirSync(toolCache, { recursive: true });',
				'require("node:fs").writeFileSync(require("node:path").join(toolCache, "x"), "x");',
			].join("\n"),
		);
		// Called directly, as graders are after the workspace was made the exercise's again.
		const pass = await runner.grade(first, ex, sandbox);
		expect(pass, pass.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(pass.output).toContain("the workspace's node_modules was replaced by the exercise's cached dependencies");
		expect((await lstat(path.join(first, "node_modules", ".cache"))).isDirectory()).toBe(true);
		expect((await lstat(path.join(first, "node_modules", "dequal"))).isSymbolicLink()).toBe(true);

		// A solution that edits a dependency in place, making it writable first as a determined
		// process (or root, which ignores the read-only bits) would.
		const second = await workspace(ex, false);
		await writeSolution(
			second,
			'const dep = require.resolve("dequal");\nrequire("node:fs").chmodSync(dep, 0o644);\nrequire("node:fs").appendFileSync(dep, "\\n// changed\\n");',
		);
		const changed = await gradeExercise(ex, second, sandbox, { runner });
		expect(changed.verdict, changed.output).toBe("infra");
		expect(changed.summary).toMatch(
			/^the tests changed the cached dependencies \(node_modules\/dequal\/.+\); the result is not trusted and the cache entry was discarded$/,
		);

		// The next grading installs the set afresh, and gets the pristine dependency.
		const third = await workspace(ex, true);
		const again = await gradeExercise(ex, third, sandbox, { runner });
		expect(again, again.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(await readFile(path.join(third, "node_modules", "dequal", "package.json"), "utf8")).toContain('"dequal"');
		const source = await readFile(require.resolve("dequal", { paths: [third] }), "utf8");
		expect(source).not.toContain("// changed");
		expect((await installs(cacheDir)).map((line) => line.outcome)).toEqual([
			"published",
			"discarded after a change",
			"published",
		]);
	});

	it("in bwrap, tests that edit a cached dependency change only a throwaway overlay, and no listing is taken", async () => {
		// The sandbox mounts the cache folder its environment names; the runner uses the same one.
		const cacheRoot = path.dirname(await tempCache());
		const cacheDir = path.join(cacheRoot, "js");
		const bwrap = new BwrapSandbox({ env: { ...process.env, EVALS_CACHE_DIR: cacheRoot } });
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise("leap-years-npm");
		const ws = await workspace(ex, false);
		await writeSolution(
			ws,
			'const dep = require.resolve("dequal");\nrequire("node:fs").chmodSync(dep, 0o644);\nrequire("node:fs").appendFileSync(dep, "\\n// changed\\n");',
		);
		const listings = vi.spyOn(DependencyCache.prototype, "changedPath");
		try {
			const graded = await gradeExercise(ex, ws, bwrap, { runner });
			expect(graded, graded.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
			expect(listings).not.toHaveBeenCalled();
		} finally {
			listings.mockRestore();
		}
		const dependency = require.resolve("dequal", { paths: [ws] });
		expect(dependency.startsWith(cacheDir)).toBe(true);
		expect(await readFile(dependency, "utf8")).not.toContain("// changed");
		expect((await lstat(dependency)).mode & 0o777).toBe(0o444);
		expect((await installs(cacheDir)).map((line) => line.outcome)).toEqual(["published"]);
	});

	it("installs dependencies that differ from the exercise's in the workspace, never in the cache", async () => {
		const cacheDir = await tempCache();
		const runner = new JavaScriptRunner("javascript", { cacheDir });
		const ex = await exercise("leap-years-npm");
		const changeDependencies = async (ws: string) => {
			const manifestFile = path.join(ws, "package.json");
			const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
			manifest.dependencies = { ms: "^2.1.3" };
			await writeFile(manifestFile, JSON.stringify(manifest));
		};
		// The runner on its own (its contract): other dependencies are installed in the workspace.
		const ws = await workspace(ex, true);
		await changeDependencies(ws);
		const result = await runner.grade(ws, ex, sandbox);
		expect(result, result.output).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(result.output).toContain(
			"dependencies installed in the workspace: they differ from the exercise's (package.json, lockfile or .npmrc changed)",
		);
		expect((await lstat(path.join(ws, "node_modules", "ms"))).isDirectory()).toBe(true);
		expect(await installs(cacheDir)).toEqual([]);

		// A task's grading: package.json is the exercise's configuration, so the agent's change is
		// undone and the exercise's own dependency set, from the cache, is what the tests get.
		const task = await workspace(ex, true);
		await changeDependencies(task);
		const graded = await gradeExercise(ex, task, sandbox, { runner });
		expect(graded, graded.output).toMatchObject({ verdict: "passed", summary: "3 passed", restored: ["package.json"] });
		await expect(lstat(path.join(task, "node_modules", "ms"))).rejects.toThrow();
		expect((await installs(cacheDir)).map((line) => line.outcome)).toEqual(["published"]);
	});
});

describe("the dependency cache across processes", { timeout: 120_000 }, () => {
	const key = "0123456789abcdef0123456789abcdef";
	const module = path.join(here, "..", "dist", "grading", "js-cache.js");
	/** One process preparing `key` with a stand-in install (a second, then node_modules/dep). */
	const prepareInChild = (root: string) =>
		execFileAsync(process.execPath, [
			"--input-type=module",
			"-e",
			`const { DependencyCache } = await import(${JSON.stringify(module)});
			const prepared = await new DependencyCache(${JSON.stringify(root)}).prepare({
				key: ${JSON.stringify(key)},
				files: { "package.json": "{}" },
				command: "sleep 1 && mkdir -p node_modules/dep && echo $$ > node_modules/dep/pid",
				env: { PATH: process.env.PATH },
				timeoutMs: 60000,
				manager: "stand-in",
			});
			console.log(JSON.stringify({ dir: prepared.dir, installed: prepared.install !== undefined }));`,
		]).then(({ stdout }) => JSON.parse(stdout) as { dir: string; installed: boolean });

	it("three processes preparing one set at once: one installs, all get its entry", async () => {
		const root = await tempCache();
		const results = await Promise.all([prepareInChild(root), prepareInChild(root), prepareInChild(root)]);
		expect(results.filter((result) => result.installed)).toHaveLength(1);
		expect(new Set(results.map((result) => result.dir)).size).toBe(1);
		expect(await readdir(root)).toEqual(expect.arrayContaining([key, INSTALL_LOG]));
		expect((await readdir(root)).filter((name) => name.startsWith(`${key}.`))).toHaveLength(1);
		expect(await installs(path.dirname(root), root)).toHaveLength(1);
	});

	it("takes over from a process that died mid-install and removes what it left", async () => {
		const root = await tempCache();
		await mkdir(root, { recursive: true });
		const dead = spawnSync("/bin/sh", ["-c", "echo $$"], { encoding: "utf8" });
		const deadPid = Number(dead.stdout.trim());
		const owner = JSON.stringify({ pid: deadPid, host: os.hostname(), since: Date.now() });
		await writeFile(path.join(root, `${key}.lock`), owner);
		const orphan = path.join(root, `${key}.${deadPid}-deadbeef`);
		await mkdir(path.join(orphan, "node_modules"), { recursive: true });
		await writeFile(path.join(orphan, ".agent-evals-owner.json"), owner);
		const result = await prepareInChild(root);
		expect(result.installed).toBe(true);
		expect(await readdir(root)).not.toContain(path.basename(orphan));
		expect(await readdir(root)).not.toContain(`${key}.lock`);
	});
});

describe("dependency sets", () => {
	const inputsOf = async (files: Record<string, string>) => {
		const dir = await tempDir();
		for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
		const inputs = await readDependencyInputs(dir);
		if (inputs === undefined) throw new Error("no inputs");
		return { dir, inputs };
	};
	const manifest = (extra: Record<string, unknown> = {}) =>
		JSON.stringify({ name: "a", scripts: { test: "jest" }, devDependencies: { jest: "^29.7.0" }, ...extra });

	it("share a key when only names, scripts and settings differ, not when what gets installed does", async () => {
		const base = (await inputsOf({ "package.json": manifest(), "pnpm-lock.yaml": "lock" })).inputs;
		const key = (inputs: DependencyInputs, manager = "pnpm@9.15.2", platform = "115-linux-x64") =>
			dependencyKey(inputs, manager, platform);
		const renamed = await inputsOf({
			"package.json": manifest({ name: "b", version: "2.0.0", scripts: { test: "corepack pnpm jest" }, jest: {} }),
			"pnpm-lock.yaml": "lock",
		});
		expect(key(renamed.inputs)).toBe(key(base));
		// npm's and Yarn 2+'s lockfiles record the project's name; it installs nothing.
		const npmLock = (name: string) =>
			JSON.stringify({ name, lockfileVersion: 3, packages: { "": { name, devDependencies: { jest: "^29.7.0" } } } });
		const berryLock = (name: string) =>
			`__metadata:\n  version: 8\n\n"${name}@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "${name}@workspace:."\n`;
		const lockKeys = async (file: string, lock: (name: string) => string) => {
			const one = await inputsOf({ "package.json": manifest({ name: "a" }), [file]: lock("a") });
			const two = await inputsOf({ "package.json": manifest({ name: "b" }), [file]: lock("b") });
			return [key(one.inputs), key(two.inputs)];
		};
		const [npmA, npmB] = await lockKeys("package-lock.json", npmLock);
		expect(npmA).toBe(npmB);
		const [yarnA, yarnB] = await lockKeys("yarn.lock", berryLock);
		expect(yarnA).toBe(yarnB);
		const otherLock = await inputsOf({ "package.json": manifest(), "pnpm-lock.yaml": "lock 2" });
		const otherDeps = await inputsOf({ "package.json": manifest({ devDependencies: { jest: "^30.0.0" } }) });
		const npmrc = await inputsOf({ "package.json": manifest(), "pnpm-lock.yaml": "lock", ".npmrc": "x=1" });
		const keys = [
			key(base),
			key(otherLock.inputs),
			key(otherDeps.inputs),
			key(npmrc.inputs),
			key(base, "pnpm@9.15.3"),
			key(base, "pnpm@9.15.2", "127-linux-x64"),
		];
		expect(new Set(keys).size).toBe(keys.length);
	});

	it("say why a project cannot use the cache", async () => {
		const reason = async (
			files: Record<string, string>,
			manager: { name: ManagerName; version: string } = { name: "npm", version: "11.0.0" },
		) => {
			const { dir, inputs } = await inputsOf(files);
			const project = JSON.parse(files["package.json"] ?? "{}");
			return uncacheableReason(dir, project, inputs, manager);
		};
		expect(await reason({ "package.json": manifest() })).toBeUndefined();
		expect(await reason({ "package.json": manifest({ workspaces: ["a"] }) })).toBe("package.json declares workspaces");
		expect(await reason({ "package.json": manifest({ scripts: { postinstall: "node x.js" } }) })).toBe(
			"package.json has a postinstall script",
		);
		expect(await reason({ "package.json": manifest({ dependencies: { lib: "file:../lib" } }) })).toBe(
			"lib is a local dependency (file:../lib)",
		);
		expect(await reason({ "package.json": manifest(), "pnpm-workspace.yaml": "packages:\n  - a\n" })).toBe(
			"pnpm-workspace.yaml lists packages",
		);
		const yarn4 = { name: "yarn" as const, version: "4.5.0" };
		expect(await reason({ "package.json": manifest() }, yarn4)).toBe(
			"yarn Plug'n'Play keeps its install in the project",
		);
		expect(await reason({ "package.json": manifest(), ".yarnrc.yml": "nodeLinker: node-modules\n" }, yarn4)).toBe(
			undefined,
		);
	});
});

describe("tree listings", () => {
	it.each(["find", "node"] as const)("notice a write, a chmod, a new file and a removal (%s)", async (method) => {
		const dir = await tempDir();
		await mkdir(path.join(dir, "pkg", "lib"), { recursive: true });
		await writeFile(path.join(dir, "pkg", "lib", "index.js"), "exports.x = 1;\n");
		await writeFile(path.join(dir, "pkg", "package.json"), "{}");
		await symlink("pkg", path.join(dir, "alias"));
		const before = await listTree(dir, method);
		expect(before.method).toBe(method);
		expect([...before.entries.keys()].sort()).toEqual([
			"alias",
			"pkg",
			"pkg/lib",
			"pkg/lib/index.js",
			"pkg/package.json",
		]);
		const differs = async () => firstDifference(before.entries, (await listTree(dir, method)).entries);
		expect(await differs()).toBeUndefined();
		// Same size, and the modification time put back: the status-change time still tells.
		const file = path.join(dir, "pkg", "lib", "index.js");
		const { mtime } = await lstat(file);
		await writeFile(file, "exports.x = 2;\n");
		await utimes(file, mtime, mtime);
		expect(await differs()).toBe("pkg/lib/index.js");
		const fresh = async () => listTree(dir, method);
		let base = await fresh();
		const differsFrom = async (listing: Awaited<ReturnType<typeof fresh>>) =>
			firstDifference(listing.entries, (await listTree(dir, method)).entries);
		await chmod(path.join(dir, "pkg", "package.json"), 0o444);
		expect(await differsFrom(base)).toBe("pkg/package.json");
		base = await fresh();
		await writeFile(path.join(dir, "pkg", "lib", "extra.js"), "");
		expect(await differsFrom(base)).toMatch(/^pkg\/lib(\/extra\.js)?$/);
		base = await fresh();
		await rm(path.join(dir, "pkg", "lib", "extra.js"));
		expect(await differsFrom(base)).toMatch(/^pkg\/lib(\/extra\.js)?$/);
	});

	it("lists the same paths either way", async () => {
		const dir = path.join(here, "fixtures", "suites", "js-managers");
		const [find, node] = await Promise.all([listTree(dir, "find"), listTree(dir, "node")]);
		expect([...find.entries.keys()].sort()).toEqual([...node.entries.keys()].sort());
	});
});

describe("SharedWork", () => {
	it("runs a job once for concurrent callers and cancels it only when every caller gave up", async () => {
		const shared = new SharedWork<string>();
		let runs = 0;
		let jobSignal: AbortSignal | undefined;
		const job = (signal: AbortSignal) => {
			runs++;
			jobSignal = signal;
			return new Promise<string>((resolve, reject) => {
				const timer = setTimeout(() => resolve("done"), 300);
				signal.addEventListener("abort", () => {
					clearTimeout(timer);
					reject(new Error("aborted"));
				});
			});
		};
		const one = new AbortController();
		const two = new AbortController();
		const first = shared.run("k", job, one.signal);
		const second = shared.run("k", job, two.signal);
		one.abort();
		await expect(first).rejects.toMatchObject({ verdict: "infra", summary: "grading cancelled" });
		expect(jobSignal?.aborted).toBe(false);
		await expect(second).resolves.toEqual({ value: "done", started: false });
		expect(runs).toBe(1);

		const three = new AbortController();
		const alone = shared.run("k", job, three.signal);
		three.abort();
		await expect(alone).rejects.toMatchObject({ summary: "grading cancelled" });
		expect(jobSignal?.aborted).toBe(true);
		expect(runs).toBe(2);
	});
});

describe("planPackageManager", () => {
	it("prefers packageManager, then a lockfile, then a test script's corepack call, then npm", () => {
		expect(planPackageManager({ packageManager: "pnpm@9.15.2" }, ["yarn.lock"]).installer).toEqual({
			name: "pnpm",
			spec: "pnpm@9.15.2",
			source: "packageManager",
			corepack: true,
		});
		expect(planPackageManager({}, ["yarn.lock"]).installer).toMatchObject({
			name: "yarn",
			spec: "yarn",
			corepack: true,
		});
		expect(planPackageManager({}, ["package-lock.json"]).installer).toMatchObject({ name: "npm", corepack: false });
		expect(planPackageManager({ scripts: { test: "corepack pnpm jest" } }, []).installer).toMatchObject({
			name: "pnpm",
			source: "test script",
			corepack: true,
		});
		expect(planPackageManager({ scripts: { test: "jest" } }, [])).toMatchObject({
			installer: { name: "npm", source: "default", corepack: false },
			usesCorepack: false,
		});
	});

	it("provides a second manager that an undeclared project's test script calls through corepack", () => {
		const plan = planPackageManager({ scripts: { test: "corepack yarn jest" } }, ["package-lock.json"]);
		expect(plan).toMatchObject({ installer: { name: "npm" }, scriptManagers: ["yarn"], usesCorepack: true });
		const declared = planPackageManager({ packageManager: "pnpm@9.15.2", scripts: { test: "corepack yarn jest" } }, []);
		expect(declared.scriptManagers).toEqual([]);
	});

	it("names two lockfiles and which one decides", () => {
		const plan = planPackageManager({}, ["package-lock.json", "pnpm-lock.yaml"]);
		expect(plan.installer.name).toBe("pnpm");
		expect(plan.notes).toEqual([
			"lockfiles pnpm-lock.yaml, package-lock.json: pnpm-lock.yaml decides the package manager",
		]);
	});

	it("refuses what corepack cannot provide, as infra", () => {
		const refuse = (packageManager: unknown) => () => planPackageManager({ packageManager }, []);
		expect(refuse("bun@1.1.38")).toThrow(
			'package.json declares packageManager "bun@1.1.38": bun is not supported (npm, pnpm and yarn are)',
		);
		expect(refuse("pnpm")).toThrow('package.json declares packageManager "pnpm", which is not pnpm@<exact version>');
		expect(refuse("pnpm@^9")).toThrow(PackageManagerDeclarationError);
		expect(refuse(9)).toThrow("packageManager must be a string");
		try {
			refuse("yarn@latest")();
		} catch (error) {
			expect(error).toMatchObject({ verdict: "infra" });
		}
		expect(() => planPackageManager({ packageManager: "pnpm@9.15.2+sha512.abc123" }, [])).not.toThrow();
	});
});
