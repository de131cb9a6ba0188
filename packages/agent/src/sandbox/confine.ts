import { mkdtemp, realpath, rmdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { SandboxProfile } from "@agent-evals/types";
import { type ConfinedRequest, type LaunchPlan, launchPlan, usableAsOverlay } from "./launch.js";
import { createPidsCgroup, type PidsCgroup } from "./pids-cgroup.js";

/** A launch whose host resources exist; `release` removes them once the command is gone. */
export interface PreparedLaunch extends LaunchPlan {
	release(): Promise<void>;
}

/**
 * Makes what one confined command needs on the host (the empty folder its overlays are mounted
 * on, its pids cgroup) and the argv to start it. Folders of the profile that do not exist (a
 * toolchain not installed here, a cache not made yet) are left out: bwrap cannot mount them.
 */
export async function prepareLaunch(profile: SandboxProfile, request: ConfinedRequest): Promise<PreparedLaunch> {
	const [privateDirs, hidden, readOnly, overlays] = await Promise.all([
		existing(profile.private, "directory"),
		existing(profile.hidden, "any"),
		existing(profile.readOnly, "directory"),
		existing(profile.overlays, "directory"),
	]);
	const hiddenFiles = await existing(hidden, "file");
	const effective: SandboxProfile = { ...profile, private: privateDirs, hidden, readOnly, overlays };
	let scratch: string | undefined;
	let cgroup: PidsCgroup | undefined;
	const release = async () => {
		await cgroup?.remove().catch(() => {});
		if (scratch !== undefined) await rmdir(scratch).catch(() => {});
	};
	try {
		if (overlays.some(usableAsOverlay)) scratch = await mkdtemp(path.join(os.tmpdir(), "agent-evals-overlay-"));
		if (profile.pidsCgroup !== undefined) cgroup = await createPidsCgroup(profile.pidsCgroup, profile.limits.processes);
		const plan = launchPlan(effective, request, {
			scratch,
			cgroupProcs: cgroup?.procs,
			asRoot: process.geteuid?.() === 0,
			hiddenFiles,
		});
		return { ...plan, release };
	} catch (error) {
		await release();
		throw error;
	}
}

/**
 * The paths that exist as `kind`, once each (two names of one folder are mounted once). They keep
 * the name they were given: inside a hidden $HOME, ~/.cargo must be found where tools look for it,
 * even when it is a link to elsewhere on the host.
 */
async function existing(paths: readonly string[], kind: "directory" | "file" | "any"): Promise<string[]> {
	const found = await Promise.all(
		paths.map(async (target) => {
			const info = await stat(target).catch(() => undefined);
			if (!info) return undefined;
			if (kind === "directory" && !info.isDirectory()) return undefined;
			if (kind === "file" && !info.isFile()) return undefined;
			return { target, real: await realpath(target).catch(() => target) };
		}),
	);
	const seen = new Set<string>();
	const kept: string[] = [];
	for (const entry of found) {
		if (entry === undefined || seen.has(entry.real)) continue;
		seen.add(entry.real);
		kept.push(entry.target);
	}
	return kept;
}
