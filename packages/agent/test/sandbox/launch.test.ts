import { SANDBOX_PROFILE_ENV, type SandboxProfile } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import { commandSandboxFromEnv, launchPlan, usableAsOverlay } from "../../src/sandbox/index.js";
import { candidates } from "../../src/sandbox/pids-cgroup.js";

/*
 * The seams of the confined launch that the tests on this machine (root, cgroup v1) do not drive
 * for real: the argv for an unprivileged user, overlays, a pids cgroup, and the cgroup discovery
 * on v1 and v2 hierarchies.
 */

const profile: SandboxProfile = {
	kind: "bwrap",
	bwrap: "/usr/bin/bwrap",
	unshare: "/usr/bin/unshare",
	prlimit: "/usr/bin/prlimit",
	readOnly: ["/home/u/.rustup"],
	overlays: ["/home/u/.cargo", "/home/u/odd:name"],
	private: ["/home/u", "/tmp"],
	hidden: ["/home", "/etc/shadow", "/run"],
	env: { PATH: "/usr/bin:/bin", HOME: "/home/u" },
	limits: {
		cpuSeconds: 60,
		memoryBytes: 1000,
		processes: 50,
		fileSizeBytes: 2000,
		openFiles: 64,
		tmpfsBytes: 4096,
		minFreeDiskBytes: 0,
	},
};
const request = { command: "make test", cwd: "/work/ws/sub", workspace: "/work/ws", env: { CI: "1" } };

function after(args: string[], flag: string, from = 0): string[] {
	const at = args.indexOf(flag, from);
	return at < 0 ? [] : args.slice(at + 1, at + 3);
}

describe("launchPlan", () => {
	it("as an unprivileged user: unshare with a user namespace mounts the overlays, then bwrap, prlimit and the shell", () => {
		const plan = launchPlan(profile, request, { scratch: "/tmp/s", asRoot: false, hiddenFiles: ["/etc/shadow"] });
		expect(plan.file).toBe("/usr/bin/unshare");
		expect(plan.args.slice(0, 6)).toEqual(["--mount", "--propagation", "private", "--user", "--map-root-user", "--"]);
		// Overlay script arguments: scratch, size, userxattr for overlayfs in a user namespace, count, lower folders.
		const script = plan.args.indexOf("agent-evals-overlays");
		expect(plan.args.slice(script + 1, script + 6)).toEqual(["/tmp/s", "4096", ",userxattr", "1", "/home/u/.cargo"]);
		const bwrap = plan.args.slice(script + 6);
		expect(bwrap[0]).toBe("/usr/bin/bwrap");
		expect(bwrap).toEqual(expect.arrayContaining(["--die-with-parent", "--unshare-all", "--disable-userns"]));
		expect(after(bwrap, "--ro-bind")).toEqual(["/", "/"]);
		// A path overlayfs cannot take (":" separates its lower folders) is shown read-only instead.
		expect(after(bwrap, "--ro-bind-try", bwrap.indexOf("/home/u/odd:name") - 2)).toEqual([
			"/home/u/odd:name",
			"/home/u/odd:name",
		]);
		expect(after(bwrap, "--bind", bwrap.indexOf("/tmp/s/m0") - 1)).toEqual(["/tmp/s/m0", "/home/u/.cargo"]);
		// Hidden files become /dev/null, hidden folders a tiny tmpfs; private ones a tmpfs of the profile's size.
		expect(bwrap.join(" ")).toContain("--ro-bind /dev/null /etc/shadow");
		expect(bwrap.join(" ")).toContain("--size 1048576 --tmpfs /run");
		expect(bwrap.join(" ")).toContain("--size 4096 --tmpfs /home/u");
		// Parents first: /home's tmpfs is mounted before /home/u's, which comes before the workspace bind.
		expect(bwrap.indexOf("/home")).toBeLessThan(bwrap.indexOf("/home/u"));
		expect(bwrap.lastIndexOf("/work/ws")).toBeGreaterThan(bwrap.indexOf("/home/u"));
		expect(after(bwrap, "--chdir")).toEqual(["/work/ws/sub", "--"]);
		const inside = bwrap.slice(bwrap.indexOf("--chdir") + 3);
		expect(inside).toEqual([
			"/usr/bin/prlimit",
			"--cpu=60:60",
			"--data=1000:1000",
			"--nproc=50:50",
			"--fsize=2000:2000",
			"--nofile=64:64",
			"--core=0:0",
			"--",
			"/bin/sh",
			"-c",
			"make test",
		]);
		expect(plan.env).toEqual({ PATH: "/usr/bin:/bin", HOME: "/home/u", CI: "1" });
		// Nothing of the environment travels in argv, where ps would show it.
		expect(plan.args.join(" ")).not.toContain("CI=1");
	});

	it("as root: no user namespace, and the command's pids cgroup joined before anything runs", () => {
		const plan = launchPlan(profile, request, { scratch: "/tmp/s", asRoot: true, cgroupProcs: "/cg/x/cgroup.procs" });
		expect(plan.file).toBe("/bin/sh");
		expect(plan.args.slice(0, 3)).toEqual(["-c", 'echo $$ > "$0" && exec "$@"', "/cg/x/cgroup.procs"]);
		expect(plan.args[3]).toBe("/usr/bin/unshare");
		expect(plan.args).not.toContain("--map-root-user");
		expect(plan.args).toContain("");
	});

	it("without overlays starts bwrap itself; with a status fd the shell reports it started and closes it", () => {
		const plan = launchPlan({ ...profile, overlays: [] }, { ...request, statusFd: 3 }, { asRoot: false });
		expect(plan.file).toBe("/usr/bin/bwrap");
		expect(plan.args.slice(-4)).toEqual([
			"-c",
			'printf started >&3; exec 3>&-; exec /bin/sh -c "$1"',
			"agent-evals-sandbox",
			"make test",
		]);
	});

	it("refuses overlays without a scratch folder", () => {
		expect(() => launchPlan(profile, request, { asRoot: false })).toThrow(/scratch/);
		expect(usableAsOverlay("/a/b")).toBe(true);
		expect(usableAsOverlay("/a,b")).toBe(false);
	});
});

describe("pids cgroup discovery", () => {
	const mountinfo = [
		"30 25 0:26 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids",
		"31 25 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
		"32 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
	].join("\n");

	it("finds the v1 pids hierarchy first, then the v2 one, under this process's own cgroup", () => {
		const membership = "8:pids:/jobs/a\n4:memory:/m\n0::/user.slice/x\n";
		expect(candidates(membership, mountinfo)).toEqual([
			{ dir: "/sys/fs/cgroup/pids/jobs/a", version: 1 },
			{ dir: "/sys/fs/cgroup/unified/user.slice/x", version: 2 },
		]);
	});

	it("finds none without a pids controller or outside the mount's root", () => {
		expect(candidates("4:memory:/m\n", mountinfo.split("\n")[2] ?? "")).toEqual([]);
		const rooted = "30 25 0:26 /jobs /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids";
		expect(candidates("8:pids:/other\n", rooted)).toEqual([]);
		expect(candidates("8:pids:/jobs/b\n", rooted)).toEqual([{ dir: "/sys/fs/cgroup/pids/b", version: 1 }]);
	});
});

describe("the profile in the agent's environment", () => {
	it("reads a valid profile, refuses a broken one with the reason, and is absent when unset", () => {
		expect(commandSandboxFromEnv({})).toBeUndefined();
		expect(commandSandboxFromEnv({ [SANDBOX_PROFILE_ENV]: JSON.stringify(profile) })).toEqual({ profile });
		expect(commandSandboxFromEnv({ [SANDBOX_PROFILE_ENV]: "{nope" })).toMatchObject({
			error: expect.stringMatching(/^AGENT_EVALS_SANDBOX is not valid JSON/),
		});
		expect(
			commandSandboxFromEnv({ [SANDBOX_PROFILE_ENV]: JSON.stringify({ ...profile, kind: "docker" }) }),
		).toMatchObject({
			error: expect.stringMatching(/^AGENT_EVALS_SANDBOX is not a sandbox profile: kind:/),
		});
	});
});
