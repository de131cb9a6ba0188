#!/usr/bin/env node
// npm links bin entries while it installs, before postinstall has built dist/, and skips a target
// that does not exist yet. This file is committed, so the link is always made; it loads the
// compiled CLI when it runs.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(entry)) {
	process.stderr.write("evals-agent is not built yet: run `npm run build` in the agent-evals checkout.\n");
	process.exit(1);
}
await import(entry.href);
