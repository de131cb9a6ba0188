import { getSandbox } from "./registry.js";

/** "auto": bwrap where it works here, else local. Any other name means that sandbox or nothing. */
export const AUTO_SANDBOX = "auto";

export interface SandboxChoice {
	/** The sandbox to use and store on the run (never "auto"). */
	name: string;
	/** What was asked for. */
	requested: string;
	/** One line for the user: what was chosen and why. */
	description: string;
}

export class SandboxChoiceError extends Error {
	override readonly name = "SandboxChoiceError";
}

// Probing starts a sandbox; the answer does not change while this process lives.
const availability = new Map<string, Promise<string | undefined>>();

function unavailableReason(name: string): Promise<string | undefined> {
	let known = availability.get(name);
	if (known === undefined) {
		known = getSandbox(name).unavailableReason?.() ?? Promise.resolve(undefined);
		availability.set(name, known);
	}
	return known;
}

/**
 * The sandbox a run uses for `requested`. "auto" takes bwrap when a command runs in it here,
 * else local, saying why; a named sandbox that cannot run here is the caller's mistake
 * (`SandboxChoiceError`), and an unknown name throws `UnknownSandboxError`.
 */
export async function chooseSandbox(requested: string): Promise<SandboxChoice> {
	if (requested === AUTO_SANDBOX) {
		const reason = await unavailableReason("bwrap");
		return reason === undefined
			? { name: "bwrap", requested, description: "sandbox bwrap (auto: bubblewrap works here)" }
			: { name: "local", requested, description: `sandbox local (auto: bwrap cannot run here: ${reason})` };
	}
	getSandbox(requested);
	const reason = await unavailableReason(requested);
	if (reason !== undefined) throw new SandboxChoiceError(`The ${requested} sandbox cannot run here: ${reason}`);
	return { name: requested, requested, description: `sandbox ${requested}` };
}
