import { SANDBOX_PROFILE_ENV, type SandboxProfile } from "@agent-evals/types";

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
