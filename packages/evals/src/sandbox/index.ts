export { BwrapSandbox, type BwrapSandboxOptions, DEFAULT_BWRAP_LIMITS } from "./bwrap.js";
export { chooseSandbox, type SandboxChoice } from "./choose.js";
export { allowedEnvironment } from "./environment.js";
export { LocalSandbox, type LocalSandboxOptions } from "./local.js";
export { capText, HeadTailCapture } from "./output.js";
export { getSandbox, registerSandbox, sandboxNames } from "./registry.js";
export {
	DEFAULT_MAX_OUTPUT_BYTES,
	type ExecOptions,
	type ExecResult,
	type Sandbox,
	SandboxUnavailableError,
	UnknownSandboxError,
} from "./sandbox.js";
export { type ToolchainLayout, toolchainLayout } from "./toolchains.js";
