export { type PreparedLaunch, prepareLaunch } from "./confine.js";
export { formatBytes, freeBytes, watchDiskSpace } from "./disk-guard.js";
export { type CommandSandbox, commandSandboxFromEnv } from "./from-env.js";
export { type ConfinedRequest, type LaunchPlan, type LaunchResources, launchPlan, usableAsOverlay } from "./launch.js";
export { createPidsCgroup, findPidsCgroupParent, type PidsCgroup } from "./pids-cgroup.js";
