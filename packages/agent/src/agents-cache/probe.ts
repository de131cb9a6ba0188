import { execFile } from "node:child_process";
import type { InstalledAgent } from "./cache.js";
import { describeRange, findVersion, inRange, type VersionRange } from "./versions.js";

export interface ProbeResult {
	usable: boolean;
	/** The version the executable printed. */
	version?: string;
	/** Why it is not usable. */
	problem?: string;
}

/**
 * Runs the installed executable with `--version`: it must start here (a native binary for
 * another platform, a missing runtime or a broken install fail now, not in the middle of a run)
 * and be a version the adapter supports.
 */
export function probeAgent(agent: InstalledAgent, range: VersionRange, timeoutMs = 30_000): Promise<ProbeResult> {
	return new Promise((resolve) => {
		execFile(agent.binPath, ["--version"], { timeout: timeoutMs, env: process.env }, (error, stdout, stderr) => {
			const output = `${stdout}\n${stderr}`;
			const version = findVersion(stdout) ?? findVersion(output);
			if (error && !version) {
				const last = output.trim().split("\n").at(-1) || error.message;
				resolve({ usable: false, problem: `\`${agent.bin} --version\` failed: ${last}` });
				return;
			}
			if (!version) {
				resolve({ usable: false, problem: `\`--version\` printed no version: ${output.trim().slice(0, 200)}` });
				return;
			}
			if (!inRange(version, range)) {
				resolve({ usable: false, version, problem: `version ${version} is not supported (${describeRange(range)})` });
				return;
			}
			resolve({ usable: true, version });
		});
	});
}
