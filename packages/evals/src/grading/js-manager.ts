import { GradingStop } from "./session.js";

export const MANAGER_NAMES = ["npm", "pnpm", "yarn"] as const;
export type ManagerName = (typeof MANAGER_NAMES)[number];

/** Lockfiles in the order they decide the manager when package.json declares none. */
export const LOCKFILES: readonly { file: string; manager: ManagerName }[] = [
	{ file: "pnpm-lock.yaml", manager: "pnpm" },
	{ file: "yarn.lock", manager: "yarn" },
	{ file: "package-lock.json", manager: "npm" },
	{ file: "npm-shrinkwrap.json", manager: "npm" },
];

/** The commands each manager installs under, so a shim of that name can stand in for it. */
export const MANAGER_BINARIES: Record<ManagerName, readonly string[]> = {
	npm: ["npm", "npx"],
	pnpm: ["pnpm", "pnpx"],
	yarn: ["yarn", "yarnpkg"],
};

export interface ManagerChoice {
	name: ManagerName;
	/**
	 * What corepack is asked for: the packageManager value as declared ("pnpm@9.15.2", with its
	 * "+sha512…" hash if any), or the bare name, for which corepack picks its own default version.
	 */
	spec: string;
	/** Why this manager: "packageManager", a lockfile's name, "test script" or "default". */
	source: string;
	/** Provided through corepack; false means the npm found on PATH. */
	corepack: boolean;
}

export interface ManagerPlan {
	/** Installs the dependencies and runs `<name> test`. */
	installer: ManagerChoice;
	/** Other managers the test scripts call through corepack (`corepack yarn …` with a pnpm lockfile). */
	scriptManagers: ManagerName[];
	/** Whether any command may start corepack, so the tests need its settings too. */
	usesCorepack: boolean;
	/** Oddities worth a line in the output (two lockfiles). */
	notes: string[];
}

/**
 * The exercise declares its package manager in a way we cannot honour (an unsupported manager, a
 * malformed packageManager field). The suite's fault, not the agent's: verdict infra.
 */
export class PackageManagerDeclarationError extends GradingStop {
	constructor(message: string) {
		super("infra", message);
		this.name = "PackageManagerDeclarationError";
	}
}

// Exact versions only, as corepack requires in packageManager; the optional "+sha512.<hex>" pins the tarball.
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const SCRIPT_CALLS_COREPACK = /\bcorepack\s+(pnpm|pnpx|yarn|yarnpkg|npm|npx)\b/g;
const TEST_SCRIPTS = ["pretest", "test", "posttest"];

/** `pnpm@9.15.2` → pnpm with that spec; anything else is a `PackageManagerDeclarationError`. */
export function parsePackageManagerField(value: unknown): { name: ManagerName; spec: string } {
	if (typeof value !== "string") {
		throw new PackageManagerDeclarationError(
			`package.json: packageManager must be a string such as "pnpm@9.15.2", not ${JSON.stringify(value)}`,
		);
	}
	const at = value.lastIndexOf("@");
	const name = at > 0 ? value.slice(0, at) : value;
	const version = at > 0 ? value.slice(at + 1) : "";
	if (!(MANAGER_NAMES as readonly string[]).includes(name)) {
		throw new PackageManagerDeclarationError(
			`package.json declares packageManager "${value}": ${name} is not supported (npm, pnpm and yarn are)`,
		);
	}
	if (!EXACT_VERSION.test(version)) {
		throw new PackageManagerDeclarationError(
			`package.json declares packageManager "${value}", which is not ${name}@<exact version>`,
		);
	}
	return { name: name as ManagerName, spec: value };
}

/** Managers that the test scripts start through corepack, in order of appearance. */
export function corepackCallsInScripts(manifest: Record<string, unknown>): ManagerName[] {
	const scripts = manifest.scripts;
	if (typeof scripts !== "object" || scripts === null) return [];
	const found: ManagerName[] = [];
	for (const name of TEST_SCRIPTS) {
		const script = (scripts as Record<string, unknown>)[name];
		if (typeof script !== "string") continue;
		for (const match of script.matchAll(SCRIPT_CALLS_COREPACK)) {
			const manager = binaryOwner(match[1] ?? "");
			if (manager && !found.includes(manager)) found.push(manager);
		}
	}
	return found;
}

function binaryOwner(binary: string): ManagerName | undefined {
	return MANAGER_NAMES.find((name) => MANAGER_BINARIES[name].includes(binary));
}

/**
 * Which package manager grades an exercise, from what it declares, strongest first: the
 * packageManager field, a lockfile, a test script that calls `corepack <manager>`, else npm.
 * `lockfiles` are the names of the lockfiles present. Pure: reading the files is the caller's job.
 */
export function planPackageManager(manifest: Record<string, unknown>, lockfiles: readonly string[]): ManagerPlan {
	const notes: string[] = [];
	const fromScripts = corepackCallsInScripts(manifest);
	const present = LOCKFILES.filter((lock) => lockfiles.includes(lock.file));

	let installer: ManagerChoice;
	if (manifest.packageManager !== undefined) {
		const declared = parsePackageManagerField(manifest.packageManager);
		installer = { ...declared, source: "packageManager", corepack: true };
	} else if (present[0] !== undefined) {
		const lock = present[0];
		installer = { name: lock.manager, spec: lock.manager, source: lock.file, corepack: lock.manager !== "npm" };
		if (present.length > 1) {
			notes.push(`lockfiles ${present.map((l) => l.file).join(", ")}: ${lock.file} decides the package manager`);
		}
	} else if (fromScripts[0] !== undefined) {
		installer = { name: fromScripts[0], spec: fromScripts[0], source: "test script", corepack: true };
	} else {
		installer = { name: "npm", spec: "npm", source: "default", corepack: false };
	}

	// With packageManager declared, corepack refuses any other manager in this project (its strict
	// mode), so only an undeclared project can use a second one. `corepack npm` next to an npm
	// lockfile is a second one too: the installer is then the npm on PATH, not corepack's.
	const scriptManagers =
		manifest.packageManager === undefined
			? fromScripts.filter((name) => !(installer.corepack && name === installer.name))
			: [];
	return {
		installer,
		scriptManagers,
		usesCorepack: installer.corepack || fromScripts.length > 0,
		notes,
	};
}
