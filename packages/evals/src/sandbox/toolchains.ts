import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { Language } from "@agent-evals/types";
import { jsCacheDir } from "../grading/js-cache-dir.js";

/**
 * Where the toolchains and their caches live, for a sandbox that hides $HOME: what to show again
 * read-only, what to show through a per-command writable overlay (the tool writes there, the host
 * copy never changes), and the variables that pin each tool to those folders and keep it offline.
 */
export interface ToolchainLayout {
	readOnly: string[];
	overlays: string[];
	/**
	 * The overlays each language's tools write to. Each overlay is a mount on every command, so a
	 * command that names its language (grading does) gets only that language's.
	 */
	overlaysByLanguage: Record<Language, string[]>;
	env: Record<string, string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The layout for the toolchains of `source` (an environment: HOME, PATH, the tools' own
 * variables). Asks `go env` for Go's folders, since `go env -w` may have moved them; every other
 * folder follows its tool's documented variable and default. Folders that do not exist are kept:
 * the sandbox leaves them out when it mounts, so a cache made later is picked up.
 */
export async function toolchainLayout(source: Env): Promise<ToolchainLayout> {
	const home = source.HOME || os.homedir();
	const inHome = (...parts: string[]) => path.join(home, ...parts);
	const readOnly: string[] = [];
	const env: Record<string, string> = {};

	// Toolchains installed under $HOME (rustup, pyenv, go/bin, nvm, …): the folder below $HOME that holds each PATH entry.
	for (const entry of (source.PATH ?? "").split(path.delimiter)) {
		const relative = path.relative(home, entry);
		if (entry === "" || relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) continue;
		readOnly.push(inHome(relative.split(path.sep)[0] ?? relative));
	}

	// Go: modules read-only (downloaded before grading when an exercise needs any), the build cache
	// through an overlay (go refuses to build without writing it); no proxy, no toolchain downloads.
	const go = await goEnv(source);
	const goPath = go.GOPATH || source.GOPATH || inHome("go");
	readOnly.push(...goPath.split(path.delimiter).filter(Boolean));
	const goModCache =
		go.GOMODCACHE || source.GOMODCACHE || path.join(goPath.split(path.delimiter)[0] ?? "", "pkg", "mod");
	readOnly.push(goModCache);
	if (go.GOROOT) readOnly.push(go.GOROOT);
	const goCache = go.GOCACHE || source.GOCACHE || path.join(source.XDG_CACHE_HOME || inHome(".cache"), "go-build");
	const goOverlays = [goCache];
	Object.assign(env, {
		GOPATH: goPath,
		GOMODCACHE: goModCache,
		GOCACHE: goCache,
		GOPROXY: "off",
		GOTOOLCHAIN: "local",
	});

	// Rust: rustup's toolchains read-only; cargo's home through an overlay (it locks and unpacks there).
	const cargoHome = source.CARGO_HOME || inHome(".cargo");
	const rustupHome = source.RUSTUP_HOME || inHome(".rustup");
	const rustOverlays = [cargoHome];
	readOnly.push(rustupHome);
	Object.assign(env, { CARGO_HOME: cargoHome, RUSTUP_HOME: rustupHome, CARGO_NET_OFFLINE: "true" });

	// Java: Maven's and Gradle's repositories through overlays (both write bookkeeping beside the jars).
	const javaOverlays = [inHome(".m2"), source.GRADLE_USER_HOME || inHome(".gradle")];

	// JavaScript: npm's cache (logs, index), our dependency cache (node_modules links point into it,
	// corepack keeps its managers there), corepack's default home, yarn's and pnpm's caches.
	const cacheHome = source.XDG_CACHE_HOME || inHome(".cache");
	const jsOverlays = [
		source.npm_config_cache || source.NPM_CONFIG_CACHE || inHome(".npm"),
		jsCacheDir(source),
		source.COREPACK_HOME || path.join(cacheHome, "node", "corepack"),
		inHome(".yarn"),
		path.join(cacheHome, "yarn"),
		path.join(cacheHome, "pnpm"),
		path.join(source.XDG_DATA_HOME || inHome(".local", "share"), "pnpm"),
	];
	Object.assign(env, { npm_config_offline: "true", YARN_ENABLE_NETWORK: "0", COREPACK_ENABLE_NETWORK: "0" });

	// Python: pyenv's interpreters and the user's site-packages, read-only; pip cannot download.
	readOnly.push(source.PYENV_ROOT || inHome(".pyenv"), inHome(".local", "bin"), inHome(".local", "lib"));
	env.PIP_NO_INDEX = "1";

	const unique = (dirs: string[]) => [...new Set(dirs.map((dir) => path.resolve(dir)))];
	const overlaysByLanguage: Record<Language, string[]> = {
		go: unique(goOverlays),
		rust: unique(rustOverlays),
		java: unique(javaOverlays),
		javascript: unique(jsOverlays),
		typescript: unique(jsOverlays),
		python: [],
		cpp: [],
	};
	const overlaid = unique([...goOverlays, ...rustOverlays, ...javaOverlays, ...jsOverlays]);
	return {
		readOnly: unique(readOnly).filter((dir) => !overlaid.includes(dir)),
		overlays: overlaid,
		overlaysByLanguage,
		env,
	};
}

/** `go env` for the folders we mount; empty when go is not installed or does not answer. */
function goEnv(source: Env): Promise<Record<string, string>> {
	return new Promise((resolve) => {
		execFile(
			"go",
			["env", "-json", "GOPATH", "GOMODCACHE", "GOCACHE", "GOROOT"],
			{ env: source as NodeJS.ProcessEnv, timeout: 15_000 },
			(error, stdout) => {
				if (error) return resolve({});
				try {
					resolve(JSON.parse(stdout) as Record<string, string>);
				} catch {
					resolve({});
				}
			},
		);
	});
}
