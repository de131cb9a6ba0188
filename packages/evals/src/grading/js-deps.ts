import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { LOCKFILES, type ManagerName } from "./js-manager.js";

/*
 * The package.json fields that decide what an install puts into node_modules. The rest (name,
 * version, scripts other than install hooks, jest or babel settings) does not, so exercises that
 * differ only there share one install.
 */
const INSTALL_FIELDS = [
	"dependencies",
	"devDependencies",
	"optionalDependencies",
	"peerDependencies",
	"peerDependenciesMeta",
	"bundleDependencies",
	"bundledDependencies",
	"dependenciesMeta",
	"overrides",
	"resolutions",
	"pnpm",
	"packageManager",
	"engines",
] as const;

/** Files next to package.json that change what an install does; copied into the cache entry. */
const INSTALL_FILES = [
	...LOCKFILES.map((lock) => lock.file),
	".npmrc",
	".yarnrc",
	".yarnrc.yml",
	".pnpmfile.cjs",
	"pnpm-workspace.yaml",
];

// Scripts of the project itself that an install runs; their effects outside node_modules would be
// lost in a cache, so a project with any of them installs in its own folder.
const INSTALL_HOOKS = ["preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"];
const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "optionalDependencies"];
// Dependencies that live in the project (or a patch file in it) cannot be installed elsewhere.
const LOCAL_SPECIFIER = /^(?:file:|link:|portal:|workspace:|patch:|\.{0,2}\/)/;

/** What an install of a project depends on: its install fields and install files, by name. */
export interface DependencyInputs {
	fields: Record<string, unknown>;
	files: Record<string, string>;
}

/** Reads a project folder's dependency inputs; undefined without a readable package.json object. */
export async function readDependencyInputs(dir: string): Promise<DependencyInputs | undefined> {
	const text = await readFile(path.join(dir, "package.json"), "utf8").catch(() => undefined);
	if (text === undefined) return undefined;
	let manifest: unknown;
	try {
		manifest = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) return undefined;
	const fields: Record<string, unknown> = {};
	for (const field of INSTALL_FIELDS) {
		const value = (manifest as Record<string, unknown>)[field];
		if (value !== undefined) fields[field] = value;
	}
	const files: Record<string, string> = {};
	for (const file of INSTALL_FILES) {
		const content = await readFile(path.join(dir, file), "utf8").catch(() => undefined);
		if (content !== undefined) files[file] = content;
	}
	return { fields, files };
}

export function sameInputs(a: DependencyInputs, b: DependencyInputs): boolean {
	return canonicalJson(a) === canonicalJson(b);
}

/**
 * Why a project's dependencies cannot come from the cache, or undefined when they can. `manifest`
 * is the whole package.json (install hooks are not among the inputs), `dir` the project folder.
 */
export async function uncacheableReason(
	dir: string,
	manifest: Record<string, unknown>,
	inputs: DependencyInputs,
	manager: { name: ManagerName; version: string },
): Promise<string | undefined> {
	if (manifest.workspaces !== undefined) return "package.json declares workspaces";
	if (/^packages\s*:/m.test(inputs.files["pnpm-workspace.yaml"] ?? "")) return "pnpm-workspace.yaml lists packages";
	const scripts = typeof manifest.scripts === "object" && manifest.scripts !== null ? manifest.scripts : {};
	const hook = INSTALL_HOOKS.find((name) => name in scripts);
	if (hook !== undefined) return `package.json has a ${hook} script`;
	for (const field of DEPENDENCY_FIELDS) {
		const deps = manifest[field];
		if (typeof deps !== "object" || deps === null) continue;
		for (const [name, spec] of Object.entries(deps)) {
			if (typeof spec === "string" && LOCAL_SPECIFIER.test(spec)) return `${name} is a local dependency (${spec})`;
		}
	}
	if ((await stat(path.join(dir, ".yarn")).catch(() => undefined))?.isDirectory()) {
		return "the project has a .yarn folder (releases, plugins or patches)";
	}
	if (manager.name === "yarn" && Number.parseInt(manager.version, 10) >= 2 && !yarnLinksNodeModules(inputs)) {
		return "yarn Plug'n'Play keeps its install in the project";
	}
	return undefined;
}

// Yarn 2+ installs Plug'n'Play unless told otherwise (.yarnrc.yml, or YARN_NODE_LINKER on the machine).
function yarnLinksNodeModules(inputs: DependencyInputs): boolean {
	const linker =
		process.env.YARN_NODE_LINKER ?? /^nodeLinker\s*:\s*["']?([\w-]+)/m.exec(inputs.files[".yarnrc.yml"] ?? "")?.[1];
	return linker === "node-modules" || linker === "pnpm";
}

/**
 * The cache key of a dependency set: its inputs, the exact package manager, and the platform the
 * install ran for (`<node ABI>-<os>-<cpu>`, since native addons are built for one).
 */
export function dependencyKey(inputs: DependencyInputs, manager: string, platform: string): string {
	const files = Object.fromEntries(Object.entries(inputs.files).map(([name, text]) => [name, withoutName(name, text)]));
	return createHash("sha256")
		.update(canonicalJson({ format: 1, manager, platform, inputs: { ...inputs, files } }))
		.digest("hex")
		.slice(0, 32);
}

/**
 * A lockfile without the project's own name (npm's and Yarn 2+'s record it; it installs nothing),
 * so that exercises differing only in their names share one install.
 */
function withoutName(file: string, text: string): string {
	if (file === "package-lock.json" || file === "npm-shrinkwrap.json") {
		try {
			const lock = JSON.parse(text) as Record<string, unknown>;
			delete lock.name;
			delete lock.version;
			const root = (lock.packages as Record<string, Record<string, unknown>> | undefined)?.[""];
			if (root) {
				delete root.name;
				delete root.version;
			}
			return canonicalJson(lock);
		} catch {
			return text;
		}
	}
	if (file === "yarn.lock")
		return text.replace(/^("?)[^\n"]+@workspace:\.\1:$|resolution: "[^"\n]+@workspace:\."/gm, "<project>");
	return text;
}

/** The files of a cache entry: a package.json of the install fields alone, and the install files. */
export function entryFiles(inputs: DependencyInputs): Record<string, string> {
	const manifest = { private: true, ...inputs.fields };
	return { "package.json": `${JSON.stringify(manifest, null, 2)}\n`, ...inputs.files };
}

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, inner: unknown) => {
		if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return inner;
		return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	});
}
