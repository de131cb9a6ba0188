import { SANDBOX_PROFILE_ENV, type SandboxProfile, sandboxProfileSchema } from "@agent-evals/types";

/**
 * How the agent's own commands run: unconfined (no profile), in the runner's sandbox, or not at
 * all, when the runner asked for a sandbox the agent cannot read: refusing every command is
 * safer than running them unconfined against the runner's choice.
 */
export type CommandSandbox = { profile: SandboxProfile } | { error: string };

/** The sandbox named by `AGENT_EVALS_SANDBOX` in `env`, read once when the agent starts. */
export function commandSandboxFromEnv(env: NodeJS.ProcessEnv): CommandSandbox | undefined {
	const text = env[SANDBOX_PROFILE_ENV];
	if (text === undefined || text.trim() === "") return undefined;
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return { error: `${SANDBOX_PROFILE_ENV} is not valid JSON: ${(error as Error).message}` };
	}
	const parsed = sandboxProfileSchema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return {
			error: `${SANDBOX_PROFILE_ENV} is not a sandbox profile: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
		};
	}
	return { profile: parsed.data };
}
