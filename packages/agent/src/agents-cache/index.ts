export {
	type AgentManifest,
	agentDir,
	agentRuntimeDir,
	agentsDir,
	type InstalledAgent,
	MANIFEST_FILE,
	readInstalled,
} from "./cache.js";
export { AgentInstallError, type InstallResult, installNpmAgent, type NpmAgentSource } from "./install.js";
export { type ProbeResult, probeAgent } from "./probe.js";
export { compareVersions, describeRange, findVersion, inRange, type VersionRange } from "./versions.js";
