import { parseMcpServerConfig, type RunMcp } from "@agent-evals/types";
import { RunConfigError } from "../run/errors.js";

/** The MCP servers a run gives its agent, by name, as written in the config (not normalized). */
export type RunMcpServers = Record<string, unknown>;

export interface ResolvedRunMcp {
	servers: RunMcpServers;
	/** Their names, in the order given. */
	names: string[];
	userIntent: string | null;
	ab: boolean;
}

/**
 * Picks the run's servers from its MCP config and checks each one as the agent will (the same
 * messages as for an `mcp.json`). An unknown name, an empty selection or an invalid server is
 * the user's mistake: `RunConfigError` naming it.
 */
export function resolveRunMcp(mcp: RunMcp): ResolvedRunMcp {
	const available = mcp.config.mcpServers ?? {};
	const known = Object.keys(available);
	if (known.length === 0)
		throw new RunConfigError('The MCP config has no servers: it needs {"mcpServers": {"<name>": {...}}}.');
	const names = mcp.servers ?? known;
	const servers: RunMcpServers = {};
	for (const name of names) {
		if (!Object.hasOwn(available, name)) {
			throw new RunConfigError(`There is no MCP server "${name}" in the config; it has: ${known.join(", ")}.`);
		}
		const checked = parseMcpServerConfig(name, available[name]);
		if (!checked.ok) throw new RunConfigError(checked.error);
		if (checked.config.disabled) throw new RunConfigError(`MCP server "${name}" is disabled in the config.`);
		servers[name] = available[name];
	}
	return { servers, names, userIntent: mcp.userIntent ?? null, ab: mcp.ab };
}

/** What a stored secret is replaced with. */
export const MASK = "***";

const SECRET_NAME = /key|token|secret|passw|pwd|auth|credential|cookie|session|bearer|private/i;
const ENV_REFERENCE = /\$\{env:[^}]+\}/;

/**
 * The servers as they may be stored: literal values of secret-looking environment variables,
 * headers, `--flag value` / `--flag=value` arguments and URL query parameters are masked;
 * `${env:NAME}` references are kept as written (they are not secrets, and the agent resolves them).
 */
export function maskRunMcpServers(servers: RunMcpServers): RunMcpServers {
	const masked: RunMcpServers = {};
	for (const [name, raw] of Object.entries(servers)) {
		if (typeof raw !== "object" || raw === null) {
			masked[name] = raw;
			continue;
		}
		const server = { ...(raw as Record<string, unknown>) };
		for (const field of ["env", "headers"] as const) {
			const map = server[field];
			if (typeof map === "object" && map !== null) server[field] = maskMap(map as Record<string, unknown>);
		}
		if (Array.isArray(server.args)) server.args = maskArgs(server.args);
		if (typeof server.url === "string") server.url = maskUrl(server.url);
		masked[name] = server;
	}
	return masked;
}

/** Whether a stored config lost literal secrets (so only the process that created the run can run it). */
export function hasMaskedSecrets(servers: RunMcpServers): boolean {
	return JSON.stringify(servers).includes(`"${MASK}"`) || JSON.stringify(servers).includes(`=${MASK}`);
}

function keep(value: unknown): boolean {
	return typeof value !== "string" || ENV_REFERENCE.test(value) || value === "";
}

function maskMap(map: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(map).map(([key, value]) => [key, SECRET_NAME.test(key) && !keep(value) ? MASK : value]),
	);
}

function maskArgs(args: unknown[]): unknown[] {
	return args.map((arg, i) => {
		if (typeof arg !== "string" || keep(arg)) return arg;
		const inline = /^(--?[\w-]+)=(.*)$/.exec(arg);
		if (inline?.[1] && SECRET_NAME.test(inline[1]) && !keep(inline[2])) return `${inline[1]}=${MASK}`;
		const previous = args[i - 1];
		if (typeof previous === "string" && /^--?[\w-]+$/.test(previous) && SECRET_NAME.test(previous)) return MASK;
		return arg;
	});
}

function maskUrl(text: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return text;
	}
	let changed = false;
	if (url.password) {
		url.password = MASK;
		changed = true;
	}
	for (const [key, value] of url.searchParams) {
		if (SECRET_NAME.test(key) && !keep(value)) {
			url.searchParams.set(key, MASK);
			changed = true;
		}
	}
	return changed ? url.toString().replaceAll(encodeURIComponent(MASK), MASK) : text;
}

/*
 * Literal secrets in a run's MCP config never reach the store; the process that created the run
 * keeps them here so it can run it. Another process (a resume, a worker) has only the masked
 * config and refuses to run it, asking for `${env:NAME}` references instead.
 */
const inProcess = new Map<number, RunMcpServers>();

export function rememberRunMcpServers(runId: number, servers: RunMcpServers): void {
	inProcess.set(runId, servers);
}

/** The servers to give the agent for a run, or undefined when it has none. */
export function runMcpServers(run: {
	id: number;
	mcpConfig: Record<string, unknown> | null;
}): RunMcpServers | undefined {
	if (!run.mcpConfig) return undefined;
	const servers = inProcess.get(run.id) ?? run.mcpConfig;
	if (hasMaskedSecrets(servers)) {
		throw new RunConfigError(
			`Run ${run.id}'s MCP config held literal secrets, which are never stored, so only the process that created the run can execute it. Put them in the environment and refer to them as \${env:NAME} in the config.`,
		);
	}
	return servers;
}
