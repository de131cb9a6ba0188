export * from "./config/defaults.js";
export * from "./config/settings.js";
export { AgentHost, type AgentHostOptions } from "./host/agent-host.js";
export * from "./log.js";
export * from "./mcp/index.js";
export * from "./providers/index.js";
export { Task, type TaskOptions } from "./task/task.js";
export * from "./tools/index.js";
