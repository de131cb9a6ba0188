/**
 * What our MCP hub and its telemetry add to a tool call: server-everything's `echo`, called
 * through @agent-evals/agent's McpHub (config layers, connection handling, telemetry events
 * serialized as the agent sends them, the result formatted for the model) against the MCP SDK's
 * own Client calling the same server directly. Both talk to their own server process over stdio;
 * they run one after the other, alternating which goes first each round, so they never share the
 * CPU. Prints p50/p99 per payload size and the ratio against the SDK measured in the same run.
 *
 *   npm run bench:mcp -- [--quick] [--json] [--samples N] [--rounds N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
// The built agent package, as the runner loads it.
const { McpHub, formatToolResult } = await import("@agent-evals/agent");

const USAGE = `usage: node bench/mcp/run.mjs [options]
  --samples N   measured calls per payload, implementation and round (default 300, quick 20)
  --warmup N    calls before measuring                                (default 30, quick 5)
  --rounds N    rounds, the order of the implementations alternates   (default 3, quick 1)
  --quick       small counts, for a sanity check
  --json        print the results as JSON
  --help`;

const PAYLOADS = [
	{ name: "1 KB", bytes: 1024 },
	{ name: "100 KB", bytes: 100 * 1024 },
];

const { values } = parseArgs({
	options: {
		samples: { type: "string" },
		warmup: { type: "string" },
		rounds: { type: "string" },
		quick: { type: "boolean", default: false },
		json: { type: "boolean", default: false },
		help: { type: "boolean", default: false },
	},
});
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}
const counts = values.quick ? { samples: 20, warmup: 5, rounds: 1 } : { samples: 300, warmup: 30, rounds: 3 };
for (const key of ["samples", "warmup", "rounds"]) {
	if (values[key] === undefined) continue;
	const n = Number(values[key]);
	if (!Number.isInteger(n) || n < 1) {
		console.error(`--${key} must be a positive whole number, got "${values[key]}"\n${USAGE}`);
		process.exit(2);
	}
	counts[key] = n;
}

const serverCommand = { command: process.execPath, args: [EVERYTHING, "stdio"] };
const scratch = mkdtempSync(join(tmpdir(), "bench-mcp-"));

/** The SDK's client, straight to the server: the floor. */
async function sdkClient() {
	const client = new Client({ name: "bench-mcp", version: "1.0.0" });
	await client.connect(new StdioClientTransport({ ...serverCommand, stderr: "ignore" }));
	return {
		call: async (message) => {
			const result = await client.callTool({ name: "echo", arguments: { message } });
			return result.content?.[0]?.text?.length ?? 0;
		},
		close: () => client.close(),
	};
}

/** Our hub with telemetry on, its events serialized as the agent sends them over IPC. */
async function ourHub() {
	const hub = new McpHub({
		workspace: scratch,
		env: { ...process.env },
		globalConfigPath: join(scratch, "none.json"),
		settingsServers: { everything: serverCommand },
		watch: false,
	});
	let telemetryBytes = 0;
	hub.on("telemetry", (event) => {
		telemetryBytes += JSON.stringify({ eventName: "mcpTelemetry", payload: ["task", event] }).length;
	});
	await hub.start();
	return {
		call: async (message) => {
			const result = await hub.callTool("everything", "echo", { message });
			return formatToolResult(result, 200_000).length;
		},
		close: () => hub.dispose(),
		telemetryBytes: () => telemetryBytes,
	};
}

const IMPLS = { sdk: sdkClient, ours: ourHub };

function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index];
}

async function measure(impl, payload) {
	const message = "x".repeat(payload.bytes);
	for (let i = 0; i < counts.warmup; i++) await impl.call(message);
	const times = [];
	for (let i = 0; i < counts.samples; i++) {
		const started = process.hrtime.bigint();
		const size = await impl.call(message);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
		if (size < payload.bytes) throw new Error(`echo answered ${size} characters for ${payload.bytes}`);
	}
	return times;
}

const samples = Object.fromEntries(
	Object.keys(IMPLS).map((name) => [name, Object.fromEntries(PAYLOADS.map((p) => [p.name, []]))]),
);
try {
	for (let round = 0; round < counts.rounds; round++) {
		const order = round % 2 === 0 ? ["sdk", "ours"] : ["ours", "sdk"];
		for (const name of order) {
			const impl = await IMPLS[name]();
			try {
				for (const payload of PAYLOADS) samples[name][payload.name].push(...(await measure(impl, payload)));
			} finally {
				await impl.close();
			}
		}
	}
} finally {
	rmSync(scratch, { recursive: true, force: true });
}

const results = {};
for (const payload of PAYLOADS) {
	const row = {};
	for (const name of Object.keys(IMPLS)) {
		const sorted = [...samples[name][payload.name]].sort((a, b) => a - b);
		row[name] = { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), samples: sorted.length };
	}
	row.ratioP50 = row.ours.p50Ms / row.sdk.p50Ms;
	row.ratioP99 = row.ours.p99Ms / row.sdk.p99Ms;
	results[payload.name] = row;
}

const report = {
	node: process.version,
	cpus: cpus().length,
	loadavg: loadavg().map((n) => Number(n.toFixed(2))),
	options: { ...counts, quick: values.quick },
	goal: "ours / sdk at p50 <= 1.2",
	results,
};
if (values.json) {
	console.log(JSON.stringify(report, null, 2));
} else {
	const f = (ms) => `${ms.toFixed(2)} ms`;
	console.log(
		`bench:mcp: echo through McpHub (ours) vs the MCP SDK client (sdk), ${counts.samples}×${counts.rounds} calls each`,
	);
	console.log(`node ${report.node}, ${report.cpus} CPUs, load ${report.loadavg.join(" ")}\n`);
	console.log("payload  sdk p50    ours p50   ratio   sdk p99    ours p99   ratio");
	for (const [name, row] of Object.entries(results)) {
		console.log(
			[
				name.padEnd(7),
				f(row.sdk.p50Ms).padStart(9),
				f(row.ours.p50Ms).padStart(10),
				`${row.ratioP50.toFixed(2)}×`.padStart(7),
				f(row.sdk.p99Ms).padStart(10),
				f(row.ours.p99Ms).padStart(10),
				`${row.ratioP99.toFixed(2)}×`.padStart(7),
			].join("  "),
		);
	}
	console.log(`\ngoal: ${report.goal}`);
}
