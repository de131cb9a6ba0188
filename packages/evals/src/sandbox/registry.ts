import { BwrapSandbox } from "./bwrap.js";
import { LocalSandbox } from "./local.js";
import { type Sandbox, UnknownSandboxError } from "./sandbox.js";

/*
 * One factory per sandbox name. Every registered sandbox is picked up by the conformance test in
 * test/sandbox.test.ts, which is the bar a new one must pass; another module (or a test) adds one
 * with `registerSandbox` without editing this file.
 */
const factories = new Map<string, () => Sandbox>();

/** Adds (or replaces) the sandbox made by `factory` under `name`; returns a function that removes it. */
export function registerSandbox(name: string, factory: () => Sandbox): () => void {
	factories.set(name, factory);
	return () => {
		if (factories.get(name) === factory) factories.delete(name);
	};
}

export function sandboxNames(): string[] {
	return [...factories.keys()];
}

/** A fresh sandbox by name; throws `UnknownSandboxError` for a name that is not registered. */
export function getSandbox(name: string): Sandbox {
	const factory = factories.get(name);
	if (!factory) throw new UnknownSandboxError(name, sandboxNames());
	return factory();
}

registerSandbox("local", () => new LocalSandbox());
registerSandbox("bwrap", () => new BwrapSandbox());
