export { cliAgentNames, cliAgents, findCliAgent } from "./clis/index.js";
export { type Endpoint, EndpointError, resolveEndpoint } from "./endpoints.js";
export { ShimHost, type ShimHostOptions } from "./shim-host.js";
export type {
	Capabilities,
	CliAgentSpec,
	CliEvent,
	CliLaunch,
	LaunchRequest,
	StreamParser,
	UsageReport,
} from "./spec.js";
export { costOf, EventTranslator } from "./translate.js";
