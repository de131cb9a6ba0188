import { SANDBOX_PROFILE_ENV, type SandboxProfile } from "@agent-evals/types";
import type { Sandbox } from "../sandbox/sandbox.js";

/*
 * The platform's own credentials: the agent needs none of them (it talks to its model, not to our
 * store or bus), so they stay in the controller. Provider keys do go to the agent, for its model
 * client; the sandbox keeps them from the commands it runs.
 */
const PLATFORM_SECRETS = ["DATABASE_URL", "REDIS_URL", "EVALS_API_TOKEN", "PGPASSWORD"];

/**
 * The environment an agent process starts with: the runner's, without the platform's credentials,
 * with the sandbox profile its commands must follow (or without any, so one inherited from
 * elsewhere cannot apply).
 */
export function agentEnvironment(source: NodeJS.ProcessEnv, profile: SandboxProfile | undefined): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...source };
	for (const name of PLATFORM_SECRETS) delete env[name];
	delete env[SANDBOX_PROFILE_ENV];
	if (profile) env[SANDBOX_PROFILE_ENV] = JSON.stringify(profile);
	return env;
}

/**
 * The run's sandbox for the agent's own commands: its profile, hiding `hidden` besides (folders
 * the agent may read but its commands may not). Undefined when the sandbox confines nothing.
 */
export async function commandProfile(sandbox: Sandbox, hidden: string[]): Promise<SandboxProfile | undefined> {
	const profile = await sandbox.agentProfile?.();
	if (!profile) return undefined;
	return { ...profile, hidden: [...new Set([...profile.hidden, ...hidden.filter((dir) => dir !== "")])] };
}
