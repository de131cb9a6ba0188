import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { askHostOnce, lastLine, runOnHost } from "./host.js";
import { MANAGER_BINARIES, type ManagerName, type ManagerPlan } from "./js-manager.js";
import { GradingStop } from "./session.js";
import { SharedWork } from "./shared-work.js";

/** Package managers are small downloads; a slow registry still gets this long. */
const MIN_PROVISION_TIMEOUT_MS = 120_000;
// corepack's bundled keys may not match what the registry (or a mirror) signs with.
const SIGNATURE_FAILURE = /signature/i;
const VERSION_LINE = /^\d+\.\d+\.\d+\S*$/;

/**
 * A package manager the exercise declares cannot be had (corepack missing and not installable,
 * a version the registry does not have, a hash that does not match). Verdict infra, naming it.
 */
export class PackageManagerUnavailableError extends GradingStop {
	constructor(message: string) {
		super("infra", message);
		this.name = "PackageManagerUnavailableError";
	}
}

export interface ProvidedManagers {
	/**
	 * What every later command of the grading needs: PATH with the declared manager's shims and
	 * corepack in front, and corepack's settings for scripts that call it themselves.
	 */
	env: Record<string, string>;
	/** The exact version corepack provides for the installer, e.g. "9.15.2". */
	installerVersion: string;
	/** Lines for the grading's output. */
	notes: string[];
}

interface CorepackSettings {
	/** Folder of the corepack we installed, to put on PATH; undefined when PATH has one. */
	binDir: string | undefined;
	env: Record<string, string>;
}

const located = new SharedWork<CorepackSettings>();
const knownSettings = new Map<string, CorepackSettings>();
const provisioned = new SharedWork<{ version: string; unverified: boolean }>();
const provisionedVersions = new Map<string, { version: string; unverified: boolean }>();

/**
 * Provides the package managers an exercise declares through corepack, configured for this
 * machine: its home under the JavaScript cache (so a manager is downloaded once for every
 * exercise and process), npm's registry (corepack does not read npm's config), and the integrity
 * setting that works here. Commands reach the declared manager through a shim folder put first
 * on PATH (`pnpm` runs `corepack pnpm`), so `pnpm test`, a script's bare `pnpm jest` and a
 * script's `corepack pnpm jest` all get the same, already downloaded, version.
 */
export class CorepackProvider {
	/**
	 * @param root the JavaScript cache folder
	 * @param env the environment of grading commands (quiet defaults and the runner's variables)
	 */
	constructor(
		private readonly root: string,
		private readonly env: Record<string, string>,
	) {}

	private get pathEnv(): string {
		return this.env.PATH ?? process.env.PATH ?? "";
	}

	async provide(plan: ManagerPlan, timeoutMs: number, signal?: AbortSignal): Promise<ProvidedManagers> {
		const limit = Math.max(timeoutMs, MIN_PROVISION_TIMEOUT_MS);
		const { installer } = plan;
		const settings = await this.settings(installer.spec, limit, signal);
		const notes: string[] = [];
		const env = { ...settings.env };
		let installerVersion = "";
		const wanted = [
			...(installer.corepack ? [{ spec: installer.spec, source: installer.source }] : []),
			...plan.scriptManagers.map((name) => ({ spec: name as string, source: "test script" })),
		];
		for (const { spec, source } of wanted) {
			const { version, unverified } = await this.provision(spec, source, settings, limit, signal);
			if (spec === installer.spec) installerVersion = version;
			const name = spec.split("@")[0];
			notes.push(
				`${name} ${version} through corepack (${source === "test script" ? "called by the test script" : `from ${source}`})`,
			);
			if (unverified) {
				// Scripts that call corepack must not trip over the same check for this version.
				env.COREPACK_INTEGRITY_KEYS = "0";
				notes.push(
					`corepack could not verify ${spec} with its bundled signing keys; it was fetched with COREPACK_INTEGRITY_KEYS=0 (a +sha512 hash in packageManager is still checked)`,
				);
			}
		}
		const front: string[] = [];
		if (installer.corepack) front.push(await this.shims(installer.name));
		if (settings.binDir !== undefined) front.push(settings.binDir);
		env.PATH = [...front, this.pathEnv].join(path.delimiter);
		return { env, installerVersion, notes };
	}

	/** Corepack's location and settings; installs corepack into the cache when PATH has none. */
	private async settings(spec: string, timeoutMs: number, signal?: AbortSignal): Promise<CorepackSettings> {
		const key = `${this.root}\0${this.pathEnv}`;
		const known = knownSettings.get(key);
		if (known) return known;
		const { value } = await located.run(
			key,
			async () => {
				await mkdir(this.root, { recursive: true });
				const binDir = (await this.onPath("corepack")) ? undefined : await this.installCorepack(spec, timeoutMs);
				const registry =
					this.env.COREPACK_NPM_REGISTRY ?? process.env.COREPACK_NPM_REGISTRY ?? (await this.npmRegistry());
				const env: Record<string, string> = {
					COREPACK_HOME: path.join(this.root, "corepack"),
					// Never ask on a terminal, never rewrite the exercise's package.json, never look up
					// "latest" on each call: the default version is the one this corepack release ships.
					COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
					COREPACK_ENABLE_AUTO_PIN: "0",
					COREPACK_DEFAULT_TO_LATEST: "0",
					COREPACK_NPM_REGISTRY: registry,
				};
				const settings = { binDir, env };
				knownSettings.set(key, settings);
				return settings;
			},
			signal,
		);
		return value;
	}

	private async onPath(tool: string): Promise<boolean> {
		const result = await runOnHost(`command -v ${tool}`, {
			cwd: this.root,
			timeoutMs: 15_000,
			env: { ...this.env, PATH: this.pathEnv },
		});
		return result.exitCode === 0;
	}

	/** npm's registry (user and global .npmrc, npm_config_registry), which corepack does not read itself. */
	private async npmRegistry(): Promise<string> {
		try {
			const output = await askHostOnce("npm config get registry", {
				cwd: this.root,
				timeoutMs: 30_000,
				env: { ...this.env, PATH: this.pathEnv },
			});
			// npm may print warnings about the user's config on the same stream.
			const url = output
				.split("\n")
				.map((line) => line.trim())
				.findLast((line) => /^https?:\/\//.test(line));
			// corepack appends "/<name>" itself; npm's spelling ends in a slash.
			return (url ?? "https://registry.npmjs.org").replace(/\/+$/, "");
		} catch {
			return "https://registry.npmjs.org";
		}
	}

	/**
	 * Node 25 and later no longer ship corepack: fetch it from the registry with npm, once, into
	 * `<root>/corepack-cli`. Installed beside its final place and renamed there, so two processes
	 * doing this at once leave one complete copy.
	 */
	private async installCorepack(spec: string, timeoutMs: number): Promise<string> {
		const dir = path.join(this.root, "corepack-cli");
		const binDir = path.join(dir, "node_modules", ".bin");
		if (await exists(path.join(binDir, "corepack"))) return binDir;
		const staging = `${dir}.${process.pid}-${randomBytes(4).toString("hex")}`;
		await mkdir(staging, { recursive: true });
		try {
			const result = await runOnHost("npm install --no-audit --no-fund --no-save corepack", {
				cwd: staging,
				timeoutMs,
				env: { ...this.env, PATH: this.pathEnv },
			});
			if (result.exitCode !== 0) {
				throw new PackageManagerUnavailableError(
					`${spec} needs corepack, which is not on PATH and could not be installed from the registry: ${lastLine(result.output)}`,
				);
			}
			await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
				if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
			});
		} finally {
			await rm(staging, { recursive: true, force: true });
		}
		return binDir;
	}

	/**
	 * Has corepack fetch `spec` into its home (`corepack pnpm@9.15.2 --version`), once per process;
	 * corepack itself keeps it for later processes. Retries without signature verification when the
	 * bundled keys are the only problem and the machine did not choose its own keys.
	 */
	private async provision(
		spec: string,
		source: string,
		settings: CorepackSettings,
		timeoutMs: number,
		signal?: AbortSignal,
	): Promise<{ version: string; unverified: boolean }> {
		const key = `${this.root}\0${this.pathEnv}\0${spec}`;
		const known = provisionedVersions.get(key);
		if (known) return known;
		const { value } = await provisioned.run(
			key,
			async (jobSignal) => {
				const userKeys = this.env.COREPACK_INTEGRITY_KEYS ?? process.env.COREPACK_INTEGRITY_KEYS;
				let result = await this.corepackVersion(spec, settings, {}, timeoutMs, jobSignal);
				let unverified = false;
				if (result.exitCode !== 0 && userKeys === undefined && SIGNATURE_FAILURE.test(result.output)) {
					result = await this.corepackVersion(spec, settings, { COREPACK_INTEGRITY_KEYS: "0" }, timeoutMs, jobSignal);
					unverified = true;
				}
				if (result.cancelled) throw new GradingStop("infra", "grading cancelled");
				const version = result.output
					.split("\n")
					.map((line) => line.trim())
					.findLast((line) => VERSION_LINE.test(line));
				if (result.exitCode !== 0 || version === undefined) {
					const why = result.timedOut
						? `timed out after ${Math.round(timeoutMs / 1000)} s`
						: lastLine(result.output).replace(/^(?:Usage )?Error: /, "");
					throw new PackageManagerUnavailableError(`${spec} (${describeSource(source)}) cannot be had: ${why}`);
				}
				const found = { version, unverified };
				provisionedVersions.set(key, found);
				return found;
			},
			signal,
		);
		return value;
	}

	private async corepackVersion(
		spec: string,
		settings: CorepackSettings,
		extra: Record<string, string>,
		timeoutMs: number,
		signal: AbortSignal,
	) {
		// An empty folder: corepack must not take a version from some package.json around it.
		const cwd = path.join(this.root, "corepack", "empty");
		await mkdir(cwd, { recursive: true });
		const pathEnv = [settings.binDir, this.pathEnv].filter(Boolean).join(path.delimiter);
		return runOnHost(`corepack ${shellQuote(spec)} --version`, {
			cwd,
			timeoutMs,
			env: { ...this.env, ...settings.env, ...extra, PATH: pathEnv },
			signal,
		});
	}

	/** `<root>/shims/<manager>/`: one script per command of the manager, each `exec corepack <command>`. */
	private async shims(name: ManagerName): Promise<string> {
		const dir = path.join(this.root, "shims", name);
		await mkdir(dir, { recursive: true });
		for (const binary of MANAGER_BINARIES[name]) {
			const file = path.join(dir, binary);
			const content = `#!/bin/sh\n# agent-evals: ${binary} as the project declares it, through corepack.\nexec corepack ${binary} "$@"\n`;
			if ((await readFile(file, "utf8").catch(() => undefined)) === content) continue;
			// Written beside and renamed, so a grading never runs a half-written shim.
			const staging = `${file}.${process.pid}-${randomBytes(4).toString("hex")}`;
			await writeFile(staging, content);
			await chmod(staging, 0o755);
			await rename(staging, file);
		}
		return dir;
	}
}

function describeSource(source: string): string {
	if (source === "packageManager") return "declared by packageManager in package.json";
	if (source === "test script") return "called by the test script";
	return `chosen by ${source}`;
}

function shellQuote(value: string): string {
	return `'${value.replaceAll("'", "'\\''")}'`;
}

async function exists(file: string): Promise<boolean> {
	return access(file).then(
		() => true,
		() => false,
	);
}
