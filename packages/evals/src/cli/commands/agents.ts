import {
	AgentInstallError,
	agentsDir,
	describeRange,
	installNpmAgent,
	probeAgent,
	readInstalled,
} from "@agent-evals/agent/agents-cache";
import { type CliAgentSpec, cliAgentNames, cliAgents, findCliAgent } from "@agent-evals/agent/shim";
import type { Command } from "commander";
import { table } from "../../report/format.js";
import { UsageError } from "../errors.js";

/*
 * `evals agents install|list`: third-party agents in the one agents cache
 * ($EVALS_AGENTS_DIR, default ~/.cache/agent-evals/agents), pinned, listed with what they report.
 */

interface AgentRow {
	name: string;
	title: string;
	package: string;
	pinned: string;
	supports: string;
	installed: string | null;
	usable: boolean;
	problem: string | null;
	path: string | null;
	reports: CliAgentSpec["capabilities"];
	providers: readonly string[];
}

function specsFor(names: string[], all: boolean | undefined): CliAgentSpec[] {
	if (all) return [...cliAgents];
	if (names.length === 0) {
		throw new UsageError(`Name the agents to install (${cliAgentNames().join(", ")}) or pass --all.`);
	}
	return names.map((name) => {
		const spec = findCliAgent(name);
		if (spec) return spec;
		if (name === "builtin") throw new UsageError("The builtin agent is part of agent-evals: nothing to install.");
		if (name === "roo-code") {
			throw new UsageError("roo-code runs in VS Code and is not installed through the agents cache yet.");
		}
		throw new UsageError(`Unknown agent "${name}". Installable agents: ${cliAgentNames().join(", ")}.`);
	});
}

function reportsText(spec: CliAgentSpec): string {
	const { tokens, cacheTokens, cost, tools, resume } = spec.capabilities;
	return [
		`tokens ${tokens}${cacheTokens ? " +cache" : ""}`,
		`cost ${cost === "cli" ? "from the CLI" : "from prices"}`,
		tools ? "tools" : "no tools",
		resume ? "resume" : "no resume",
	].join(", ");
}

async function rowFor(spec: CliAgentSpec): Promise<AgentRow> {
	const installed = await readInstalled(spec.name);
	const base = {
		name: spec.name,
		title: spec.title,
		package: spec.package,
		pinned: spec.version,
		supports: describeRange(spec.supports),
		reports: spec.capabilities,
		providers: spec.providers,
	};
	if (!installed) {
		return {
			...base,
			installed: null,
			usable: false,
			problem: `not installed: evals agents install ${spec.name}`,
			path: null,
		};
	}
	const probe = await probeAgent(installed, spec.supports);
	return {
		...base,
		installed: probe.version ?? installed.version,
		usable: probe.usable,
		problem:
			probe.problem ??
			(installed.version !== spec.version ? `pinned ${spec.version}: evals agents install ${spec.name}` : null),
		path: installed.binPath,
	};
}

export function registerAgents(program: Command): void {
	const agents = program
		.command("agents")
		.description("Third-party coding agents (Claude Code, Codex, …): install them into the agents cache, list them");

	agents
		.command("list")
		.description("List the agents that can be installed, which are installed, their version and whether they run here")
		.option("--json", "print JSON")
		.action(async (flags: { json?: boolean }) => {
			const rows = await Promise.all(cliAgents.map(rowFor));
			if (flags.json) {
				process.stdout.write(`${JSON.stringify({ dir: agentsDir(), agents: rows }, null, 2)}\n`);
				return;
			}
			const lines = rows.map((row) => {
				const spec = findCliAgent(row.name) as CliAgentSpec;
				return [
					row.name,
					row.package,
					row.installed ?? "-",
					row.usable ? "yes" : `no: ${row.problem}`,
					reportsText(spec),
				];
			});
			process.stdout.write(`${table(["agent", "package", "installed", "usable", "reports"], lines)}\n`);
			process.stdout.write(
				`Agents cache: ${agentsDir()} (EVALS_AGENTS_DIR moves it). builtin (evals-agent) needs no install; roo-code needs VS Code.\n`,
			);
		});

	agents
		.command("install [names...]")
		.description("Install agents into the agents cache at their pinned versions (instant when already there)")
		.option("--all", "every installable agent")
		.option("--rebuild", "install again even when the pinned version is there")
		.option("--json", "print JSON")
		.action(async (names: string[], flags: { all?: boolean; rebuild?: boolean; json?: boolean }) => {
			const specs = specsFor(names, flags.all);
			const results: { name: string; version: string; installed: boolean; ms: number; path: string }[] = [];
			let failed = 0;
			// One at a time: npm installs in parallel compete for the same two cores and cache.
			for (const spec of specs) {
				if (!flags.json)
					process.stderr.write(`${spec.name}: ${spec.package}@${spec.version}${flags.rebuild ? " (rebuild)" : ""}…\n`);
				try {
					const result = await installNpmAgent(
						{ name: spec.name, package: spec.package, version: spec.version, bin: spec.bin },
						{ rebuild: flags.rebuild },
					);
					results.push({
						name: spec.name,
						version: spec.version,
						installed: result.installed,
						ms: result.ms,
						path: result.agent.binPath,
					});
					if (!flags.json) {
						const what = result.installed ? `installed in ${(result.ms / 1000).toFixed(1)} s` : "already installed";
						process.stderr.write(`${spec.name}: ${what}: ${result.agent.binPath}\n`);
					}
				} catch (error) {
					failed++;
					const message = error instanceof AgentInstallError ? error.message : String(error);
					process.stderr.write(`${spec.name}: install failed: ${message}\n`);
				}
			}
			if (flags.json) process.stdout.write(`${JSON.stringify({ dir: agentsDir(), agents: results }, null, 2)}\n`);
			process.exitCode = failed > 0 ? 1 : 0;
		});
}
