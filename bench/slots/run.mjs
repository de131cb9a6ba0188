/**
 * bench:slots — how many I/O-bound tasks one machine holds, the way real models behave: every
 * model turn is answered by the mock LLM server after 1–3 s (seeded), ten turns a task (nine
 * reads, then the solution). For each slot count S (default 25, 50, 100) one `evals worker -c S`
 * takes 2·S tasks of a distributed run of our own agent.
 *
 * Baseline, same invocation: the ideal — the model time the mock actually served, packed
 * perfectly into S slots. Prints tasks/min against it (the share of the ideal reached) and the
 * peak RSS of the worker with every agent it started, per busy slot.
 *
 *   DATABASE_URL=… REDIS_URL=… npm run bench:slots -- [--slots 25,50,100] [--turns 10] [--json]
 *
 * Goal (issue 13, P6): ≥ 90 % of the ideal at 100 slots, < 80 MB per busy slot.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startMockLlmServer } from "@agent-evals/agent/testing";
import {
	adderSuite,
	clearDeployment,
	dropScratchDatabases,
	mb,
	requireServices,
	scratchDatabase,
	startCli,
	startWorkers,
	treeRss,
} from "../lib/services.mjs";

const { values: args } = parseArgs({
	options: {
		slots: { type: "string", default: "25,50,100" },
		turns: { type: "string", default: "10" },
		json: { type: "boolean", default: false },
	},
});
const levels = args.slots.split(",").map(Number);
const turns = Number(args.turns);
if (levels.some((slots) => !(Number.isInteger(slots) && slots >= 1 && slots <= 100))) {
	console.error("--slots takes whole numbers from 1 to 100, comma-separated (a worker's limit).");
	process.exit(2);
}
if (!(Number.isInteger(turns) && turns >= 1 && turns <= 50)) {
	console.error("--turns must be a whole number from 1 to 50.");
	process.exit(2);
}
requireServices("bench:slots");

/** Seeded, so two invocations serve the same delays. */
let seed = 2026;
function random() {
	seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
	return seed / 2 ** 31;
}

const ADDER = "def add(a, b):\n    return a + b\n";
/** Each request answers by how far its conversation got: reads until the last turn, then the solution. */
function turnFor(request, served) {
	const messages = Array.isArray(request.body?.messages) ? request.body.messages : [];
	const done = messages.filter((message) => message.role === "assistant").length;
	const delayMs = 1000 + Math.round(random() * 2000);
	served.delayMs += delayMs;
	if (done < turns - 1) return { delayMs, toolCalls: [{ name: "read_file", input: { path: "adder.py" } }] };
	return {
		delayMs,
		toolCalls: [
			{ name: "write_to_file", input: { path: "adder.py", content: ADDER } },
			{ name: "attempt_completion", input: { result: "done" } },
		],
	};
}

async function level(slots) {
	const tasks = 2 * slots;
	const copies = Math.ceil(tasks / 100);
	const suite = await adderSuite(copies);
	const served = { delayMs: 0 };
	const mock = await startMockLlmServer({ side: (request) => turnFor(request, served) });
	const deployment = `evals-bench-slots-${process.pid}-${slots}`;
	const env = { DATABASE_URL: await scratchDatabase(), EVALS_DEPLOYMENT: deployment, OPENAI_API_KEY: "sk-mock" };
	const settings = join(suite, "settings.json");
	await writeFile(settings, JSON.stringify({ openAiBaseUrl: `${mock.url}/v1` }));
	const workers = await startWorkers(1, slots, env);
	const worker = workers.pool[0];
	let peak = 0;
	const sampler = setInterval(() => {
		peak = Math.max(peak, treeRss(worker.child.pid));
	}, 500);
	try {
		const began = performance.now();
		const run = startCli(
			[
				"run",
				"--json",
				"--distributed",
				"-s",
				suite,
				"--all",
				"-n",
				String(tasks / copies),
				"--settings",
				settings,
			].concat(["-m", "openai-compatible:mock-model", "--timeout", "10"]),
			{ ...env, EVALS_HOME: await mkdtemp(join(tmpdir(), "bench-slots-home-")) },
		);
		const code = await new Promise((resolve) => run.child.once("exit", resolve));
		const ms = performance.now() - began;
		if (code !== 0) throw new Error(`evals run exited ${code}:\n${run.err()}`);
		const report = JSON.parse(run.out());
		if (report.total !== tasks) throw new Error(`expected ${tasks} tasks, the run had ${report.total}`);
		const idealMs = served.delayMs / slots;
		return {
			slots,
			tasks,
			passed: report.passed,
			tasksPerMinute: Number(((tasks / ms) * 60_000).toFixed(1)),
			idealTasksPerMinute: Number(((tasks / idealMs) * 60_000).toFixed(1)),
			shareOfIdeal: Number((idealMs / ms).toFixed(3)),
			peakRssMb: mb(peak),
			rssPerBusySlotMb: Number((peak / 2 ** 20 / slots).toFixed(1)),
		};
	} finally {
		clearInterval(sampler);
		workers.stop();
		await mock.close();
		await clearDeployment(deployment);
	}
}

const results = [];
try {
	for (const slots of levels) {
		const result = await level(slots);
		results.push(result);
		if (!args.json) {
			console.log(
				`${slots} slots, ${result.tasks} tasks (${result.passed} passed): ${result.tasksPerMinute} tasks/min, ideal ${result.idealTasksPerMinute} (${Math.round(result.shareOfIdeal * 100)} % of ideal; goal ≥ 90 % at 100 slots); worker + agents peak RSS ${result.peakRssMb} MB, ${result.rssPerBusySlotMb} MB per busy slot (goal < 80 MB)`,
			);
		}
	}
	if (args.json) console.log(JSON.stringify({ turns, levels: results }, null, 2));
} finally {
	await dropScratchDatabases();
}
