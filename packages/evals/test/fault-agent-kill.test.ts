import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { harness } from "./helpers/runner.js";

/*
 * R2: the agent process is killed (SIGKILL, no goodbye) at random points of 50 scripted tasks.
 * Whatever the moment (starting, mid-turn, between turns, while its work is graded), every task
 * must end with exactly one verdict, and no agent may be left behind.
 */

/** The agents this process started: its children whose command line is an agent's. */
function agentChildren(): number[] {
	const pids: number[] = [];
	for (const thread of readdirSync(`/proc/${process.pid}/task`)) {
		let children = "";
		try {
			children = readFileSync(`/proc/${process.pid}/task/${thread}/children`, "utf8");
		} catch {
			continue; // the thread ended
		}
		for (const pid of children.split(" ").filter(Boolean).map(Number)) {
			try {
				const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
				if (cmdline.includes("--socket") && cmdline.includes("--workspace")) pids.push(pid);
			} catch {
				// exited meanwhile
			}
		}
	}
	return pids;
}

let stopKilling: (() => void) | undefined;
afterEach(() => stopKilling?.());

describe.skipIf(process.platform !== "linux")("R2: agents killed at random points", () => {
	it("50 scripted tasks end with exactly one verdict each, and no agent outlives the run", async () => {
		const h = await harness();
		try {
			const turn = (path: string, content: string) => ({
				delayMs: 100,
				toolCalls: [{ name: "write_to_file", input: { path, content } }],
			});
			const config = h.config({
				model: "scripted",
				iterations: 50,
				concurrency: 5,
				settings: {
					script: [
						turn("notes.txt", "thinking\n"),
						turn("adder.py", "def add(a, b):\n    return a - b\n"),
						turn("adder.py", "def add(a, b):\n    return a + b\n"),
					],
				},
			});
			const { run } = await h.createRun(config);
			// A deterministic sequence (seeded), so a failure can be replayed with the same kills.
			let seed = 13;
			const random = () => {
				seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
				return seed / 2 ** 31;
			};
			let kills = 0;
			let timer: NodeJS.Timeout | undefined;
			const tick = () => {
				const agents = agentChildren();
				const victim = agents[Math.floor(random() * agents.length)];
				if (victim !== undefined && random() < 0.5) {
					try {
						process.kill(victim, "SIGKILL");
						kills++;
					} catch {
						// it finished first
					}
				}
				timer = setTimeout(tick, 50 + random() * 400);
			};
			timer = setTimeout(tick, 200);
			stopKilling = () => clearTimeout(timer);
			const finished = await h.controller.execute(run.id);
			stopKilling();
			expect(finished.status).toBe("completed");
			expect(kills).toBeGreaterThan(5);
			const tasks = await h.store.tasks.list(run.id);
			expect(tasks).toHaveLength(50);
			const verdicts = (await h.store.events.list(run.id)).filter(
				(row) => row.eventName === "evalPass" || row.eventName === "evalFail",
			);
			for (const task of tasks) {
				expect(["passed", "failed"], `task ${task.id}`).toContain(task.status);
				const mine = verdicts.filter((row) => row.taskId === task.id);
				// An infra failure (the agent died before serving IPC, three times) has no verdict event.
				expect(
					mine.map((row) => row.eventName),
					`task ${task.id}`,
				).toEqual(task.failureKind === "infra" ? [] : [task.passed ? "evalPass" : "evalFail"]);
			}
			// Some were killed, some were not: both kinds of ending happened.
			expect(tasks.some((task) => task.status === "passed")).toBe(true);
			expect(tasks.some((task) => task.status === "failed")).toBe(true);
			expect(agentChildren()).toEqual([]);
		} finally {
			await h.close();
		}
	}, 300_000);
});
