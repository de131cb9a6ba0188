export * from "./events.js";
export * from "./ipc.js";
export * from "./message.js";
export * from "./offline.js";
export * from "./run.js";
export * from "./settings.js";
export * from "./tools.js";
