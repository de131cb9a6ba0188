export * from "./client.js";
export * from "./schema.js";
export * from "./store.js";
