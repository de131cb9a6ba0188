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
