#!/usr/bin/env node
// Read first: loading the agent takes long enough that a short-lived parent may already have
// exited by the time the rest starts, and then there would be no change left to notice.
const parentPid = process.ppid;
const { main } = await import("./main.js");
await main(parentPid);
