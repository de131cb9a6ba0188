import { LocalSandbox } from "./local.js";
import { type Sandbox, UnknownSandboxError } from "./sandbox.js";

/*
 * One factory per sandbox name. `local` is the only one today; `bwrap` (bubblewrap: read-only
 * system, writable workspace, no network) and `docker` come later and register here. Every entry
 * is picked up by the conformance test in test/sandbox.test.ts, which is the bar a new one must pass.
 */
const factories: Record<string, () => Sandbox> = {
	local: () => new LocalSandbox(),
};

export function sandboxNames(): string[] {
	return Object.keys(factories);
}

/** A fresh sandbox by name; throws `UnknownSandboxError` for a name that is not registered. */
export function getSandbox(name: string): Sandbox {
	const factory = factories[name];
	if (!factory) throw new UnknownSandboxError(name, sandboxNames());
	return factory();
}
