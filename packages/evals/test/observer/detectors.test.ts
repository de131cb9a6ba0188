import { type DetectorName, defaultObserverConfig, type ObserverConfig } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import type { HistoryTask } from "../../src/db/queries/observer.js";
import { detectors } from "../../src/observer/detectors/index.js";
import type { Finding } from "../../src/observer/finding.js";
import type { ObservedTask, RunSnapshot } from "../../src/observer/snapshot.js";

/*
 * Each detector against a table of snapshots: a case just past its threshold, one just short of
 * it, and the cases that must not count (finished tasks, other windows, infra failures). The
 * detectors are pure, so the snapshots are written out here rather than produced by runs; the
 * scenario tests beside this file check the same detectors over real runs.
 */

const NOW = Date.parse("2026-01-01T12:00:00Z");
const s = (seconds: number) => seconds * 1000;

function task(id: number, over: Partial<ObservedTask> = {}): ObservedTask {
	return {
		id,
		language: "python",
		exercise: `exercise-${id}`,
		iteration: 1,
		status: "passed",
		failureKind: null,
		error: null,
		attempt: 0,
		startedAt: NOW - s(120),
		finishedAt: NOW - s(10),
		tokens: 10_000,
		cost: 0.01,
		turns: 5,
		durationMs: s(30),
		toolUsage: {},
		agentEndedAt: NOW - s(20),
		gradeMs: s(5),
		eventTimes: [],
		calls: [],
		errors: [],
		retries: [],
		...over,
	};
}

function snapshot(over: Partial<RunSnapshot> = {}): RunSnapshot {
	return {
		runId: 1,
		now: NOW,
		runStatus: "running",
		concurrency: 4,
		model: "scripted",
		mcpServers: [],
		budgetUsd: null,
		discardedUsd: 0,
		tasks: [],
		infraFailures: [],
		mcp: { calls: [], connections: [], stats: [] },
		history: [],
		...over,
	};
}

function history(runId: number, exercise: string, passed: boolean): HistoryTask {
	return {
		runId,
		language: "python",
		exercise,
		iteration: 1,
		passed,
		failureKind: passed ? null : "test_failed",
		tokens: 10_000,
		cost: 0.01,
		durationMs: s(30),
		createdAt: new Date(NOW - s(3600 * runId)),
	};
}

/** Five ordinary finished tasks: a baseline of 10k tokens, $0.01, 5 requests and 30 s each. */
const ordinary = [1, 2, 3, 4, 5].map((id) => task(id, { exercise: "same" }));
const running = (id: number, over: Partial<ObservedTask> = {}) =>
	task(id, { status: "running", finishedAt: null, agentEndedAt: null, gradeMs: null, ...over });
const calls = (count: number, signature: string, from = NOW - s(60)) =>
	Array.from({ length: count }, (_, i) => ({ signature, at: from + s(i) }));
const rateLimited = (ats: number[]) =>
	ats.map((at) => ({ at, text: "HTTP 429: Too Many Requests", rateLimited: true }));
const mcpCall = (startedAt: number, durationMs: number) => ({
	server: "docs",
	taskId: 1,
	startedAt,
	durationMs,
	error: null,
	timedOut: false,
	timeoutMs: null,
});
const connection = (type: "start" | "established" | "error", at: number) => ({
	server: "docs",
	taskId: 1,
	type,
	at,
	error: type === "error" ? "spawn docs-server ENOENT" : null,
});

/** What a case expects of each finding: enough to tell a right finding from a wrong one. */
interface Expected {
	key: string;
	severity: Finding["severity"];
	detected?: number | null;
	threshold?: number | null;
	taskIds?: number[];
	recommendation?: { type: string; autoSafe: boolean };
}

interface Case {
	name: string;
	snapshot: RunSnapshot;
	config?: (config: ObserverConfig) => void;
	expected: Expected[];
}

const table: Record<DetectorName, Case[]> = {
	runaway_task: [
		{
			name: "a running task with 10× the tokens of the others",
			snapshot: snapshot({ tasks: [...ordinary, running(6, { exercise: "same", tokens: 100_000 })] }),
			// Identical tasks have no spread: the threshold is the median plus the larger of the median (minRatio 2) and 20k.
			expected: [
				{
					key: "runaway_task:6",
					severity: "error",
					detected: 100_000,
					threshold: 30_000,
					taskIds: [6],
					recommendation: { type: "cancel_task", autoSafe: true },
				},
			],
		},
		{
			name: "just under the threshold",
			snapshot: snapshot({ tasks: [...ordinary, running(6, { tokens: 29_999 })] }),
			expected: [],
		},
		{
			name: "too few finished tasks for a baseline and no history",
			snapshot: snapshot({ tasks: [...ordinary.slice(0, 3), running(6, { tokens: 100_000 })] }),
			expected: [],
		},
		{
			name: "a finished runaway is recorded without an action",
			snapshot: snapshot({ tasks: [...ordinary, task(6, { exercise: "same", tokens: 100_000 })] }),
			expected: [{ key: "runaway_task:6", severity: "error", detected: 100_000 }],
		},
		{
			name: "past the run's baseline but within this exercise's history",
			snapshot: snapshot({
				tasks: [...ordinary, running(6, { exercise: "big", tokens: 100_000 })],
				history: [1, 2, 3, 4].map((runId) => ({ ...history(runId, "big", true), tokens: 90_000 })),
			}),
			expected: [],
		},
	],
	stuck_task: [
		{
			name: "a working agent silent for 290 s",
			snapshot: snapshot({ tasks: [running(1, { startedAt: NOW - s(300), eventTimes: [NOW - s(290)] })] }),
			expected: [
				{
					key: "stuck_task:1",
					severity: "warning",
					detected: 290,
					threshold: 180,
					recommendation: { type: "requeue_task", autoSafe: false },
				},
			],
		},
		{
			name: "silent for 100 s only",
			snapshot: snapshot({
				tasks: [running(1, { startedAt: NOW - s(300), eventTimes: [NOW - s(290), NOW - s(200), NOW - s(100)] })],
			}),
			expected: [],
		},
		{
			name: "a finished task that was silent for 400 s: recorded, nothing to do",
			snapshot: snapshot({
				tasks: [
					task(1, {
						startedAt: NOW - s(600),
						eventTimes: [NOW - s(590), NOW - s(190)],
						agentEndedAt: NOW - s(180),
						finishedAt: NOW - s(170),
					}),
				],
			}),
			expected: [{ key: "stuck_task:1", severity: "error", detected: 400 }],
		},
		{
			name: "quiet while graded, after the agent finished",
			snapshot: snapshot({
				tasks: [running(1, { startedAt: NOW - s(400), eventTimes: [NOW - s(390)], agentEndedAt: NOW - s(380) })],
			}),
			expected: [],
		},
	],
	loop: [
		{
			name: "the same call five times",
			snapshot: snapshot({ tasks: [running(1, { calls: calls(5, 'read_file {"path":"a.py"}') })] }),
			expected: [
				{
					key: "loop:1",
					severity: "warning",
					detected: 5,
					threshold: 5,
					recommendation: { type: "cancel_task", autoSafe: false },
				},
			],
		},
		{
			name: "four times, and different calls around them",
			snapshot: snapshot({
				tasks: [
					running(1, {
						calls: [...calls(4, 'read_file {"path":"a.py"}'), ...calls(4, 'read_file {"path":"b.py"}')],
					}),
				],
			}),
			expected: [],
		},
		{
			name: "the same error with other line numbers, ten times",
			snapshot: snapshot({
				tasks: [
					running(1, {
						errors: Array.from({ length: 10 }, (_, i) => ({
							text: `SyntaxError at line ${i + 1}`,
							at: NOW - s(30 - i),
						})),
					}),
				],
			}),
			expected: [
				{ key: "loop:1", severity: "error", detected: 10, recommendation: { type: "cancel_task", autoSafe: false } },
			],
		},
		{
			name: "calls of an earlier attempt do not count",
			snapshot: snapshot({
				tasks: [running(1, { startedAt: NOW - s(10), calls: calls(6, "list_files {}", NOW - s(100)) })],
			}),
			expected: [],
		},
	],
	rate_limit_storm: [
		{
			name: "four 429s from two tasks within a minute",
			snapshot: snapshot({
				tasks: [
					running(1, { retries: rateLimited([NOW - s(40), NOW - s(20)]) }),
					running(2, { retries: rateLimited([NOW - s(30), NOW - s(10)]) }),
				],
			}),
			expected: [
				{
					key: `rate_limit_storm:${NOW - s(40)}:1`,
					severity: "warning",
					detected: 4,
					taskIds: [1, 2],
					recommendation: { type: "adjust_concurrency", autoSafe: true },
				},
			],
		},
		{
			name: "one task retrying alone",
			snapshot: snapshot({ tasks: [running(1, { retries: rateLimited([1, 2, 3, 4].map((i) => NOW - s(i * 5))) })] }),
			expected: [],
		},
		{
			name: "retries further apart than the window",
			snapshot: snapshot({
				tasks: [
					running(1, { retries: rateLimited([NOW - s(400), NOW - s(200)]) }),
					running(2, { retries: rateLimited([NOW - s(300), NOW - s(100)]) }),
				],
			}),
			expected: [],
		},
		{
			name: "retries that were not rate limits",
			snapshot: snapshot({
				tasks: [1, 2].map((id) =>
					running(id, {
						retries: [NOW - s(20), NOW - s(10)].map((at) => ({ at, text: "HTTP 500", rateLimited: false })),
					}),
				),
			}),
			expected: [],
		},
	],
	infra_cluster: [
		{
			name: "three of four tasks miss the same toolchain (paths differ)",
			snapshot: snapshot({
				tasks: [1, 2, 3].map((id) =>
					task(id, {
						status: "failed",
						failureKind: "infra",
						error: `python3 not found on PATH in /tmp/work-${id}/task`,
					}),
				),
				infraFailures: [{ taskId: 4, attempt: 0, error: "python3 not found on PATH in /tmp/work-4/task", at: NOW }],
			}),
			expected: [
				{
					key: "infra_cluster:python# not found on PATH in <path>",
					severity: "critical",
					detected: 4,
					taskIds: [1, 2, 3, 4],
					recommendation: { type: "stop_infra_retries", autoSafe: true },
				},
			],
		},
		{
			name: "one task retried three times is one task",
			snapshot: snapshot({
				infraFailures: [0, 1, 2].map((attempt) => ({ taskId: 1, attempt, error: "agent did not start", at: NOW })),
			}),
			expected: [],
		},
		{
			name: "three different failures",
			snapshot: snapshot({
				infraFailures: ["no go", "no java", "no cargo"].map((error, i) => ({
					taskId: i + 1,
					attempt: 0,
					error,
					at: NOW,
				})),
			}),
			expected: [],
		},
	],
	tool_error_rate: [
		{
			name: "apply_diff failing 6 of 10 calls",
			snapshot: snapshot({
				tasks: [
					task(1, {
						toolUsage: { apply_diff: { attempts: 5, failures: 4 }, read_file: { attempts: 10, failures: 0 } },
					}),
					task(2, { toolUsage: { apply_diff: { attempts: 5, failures: 2 } } }),
				],
			}),
			expected: [{ key: "tool_error_rate:tool:apply_diff", severity: "warning", detected: 0.6, taskIds: [1, 2] }],
		},
		{
			name: "4 of 10 is under the rate",
			snapshot: snapshot({ tasks: [task(1, { toolUsage: { apply_diff: { attempts: 10, failures: 4 } } })] }),
			expected: [],
		},
		{
			name: "7 calls are too few to judge",
			snapshot: snapshot({ tasks: [task(1, { toolUsage: { apply_diff: { attempts: 7, failures: 7 } } })] }),
			expected: [],
		},
	],
	mcp_latency: [
		{
			name: "the last calls take 20× the first ones",
			snapshot: snapshot({
				mcp: {
					calls: [100, 100, 100, 100, 2000, 2000].map((ms, i) => mcpCall(NOW - s(60 - i), ms)),
					connections: [],
					stats: [],
				},
			}),
			expected: [{ key: "mcp_latency:docs", severity: "warning", detected: 2000, threshold: 1100 }],
		},
		{
			name: "3× slower but not a second slower",
			snapshot: snapshot({
				mcp: {
					calls: [100, 100, 100, 100, 400, 400].map((ms, i) => mcpCall(NOW - s(60 - i), ms)),
					connections: [],
					stats: [],
				},
			}),
			expected: [],
		},
		{
			name: "too few calls",
			snapshot: snapshot({
				mcp: {
					calls: [100, 100, 5000, 5000, 5000].map((ms, i) => mcpCall(NOW - s(60 - i), ms)),
					connections: [],
					stats: [],
				},
			}),
			expected: [],
		},
	],
	mcp_server_down: [
		{
			name: "the evaluated server never connected",
			snapshot: snapshot({
				mcpServers: ["docs"],
				mcp: {
					calls: [],
					connections: [connection("error", NOW - s(20)), connection("error", NOW - s(10))],
					stats: [],
				},
			}),
			expected: [
				{
					key: "mcp_server_down:docs",
					severity: "critical",
					detected: 2,
					taskIds: [1],
					recommendation: { type: "stop_run", autoSafe: false },
				},
			],
		},
		{
			name: "down again after it was up, in a run that does not evaluate it",
			snapshot: snapshot({
				mcp: {
					calls: [],
					connections: [
						connection("established", NOW - s(30)),
						connection("error", NOW - s(20)),
						connection("error", NOW - s(10)),
					],
					stats: [],
				},
			}),
			expected: [{ key: "mcp_server_down:docs", severity: "error", detected: 2 }],
		},
		{
			name: "up again after its failures",
			snapshot: snapshot({
				mcp: {
					calls: [],
					connections: [
						connection("error", NOW - s(30)),
						connection("error", NOW - s(20)),
						connection("established", NOW - s(10)),
					],
					stats: [],
				},
			}),
			expected: [],
		},
	],
	budget: [
		{
			name: "two finished tasks at $0.30 and two waiting: $1.20 against $1",
			snapshot: snapshot({
				budgetUsd: 1,
				tasks: [
					task(1, { cost: 0.3 }),
					task(2, { cost: 0.3 }),
					task(3, { status: "pending", cost: 0 }),
					task(4, { status: "pending", cost: 0 }),
				],
			}),
			expected: [
				{
					key: "budget:breach:1",
					severity: "error",
					detected: 1.2,
					threshold: 1,
					recommendation: { type: "pause_run", autoSafe: true },
				},
			],
		},
		{
			name: "$1.20 against $1.40 is past 80 %",
			snapshot: snapshot({
				budgetUsd: 1.4,
				tasks: [
					task(1, { cost: 0.3 }),
					task(2, { cost: 0.3 }),
					task(3, { status: "pending", cost: 0 }),
					task(4, { status: "pending", cost: 0 }),
				],
			}),
			expected: [{ key: "budget:warn:1.4", severity: "warning" }],
		},
		{
			name: "well within the budget",
			snapshot: snapshot({
				budgetUsd: 10,
				tasks: [task(1, { cost: 0.3 }), task(2, { cost: 0.3 }), task(3, { status: "pending", cost: 0 })],
			}),
			expected: [],
		},
		{
			name: "already spent, with discarded attempts counted",
			snapshot: snapshot({ budgetUsd: 1, discardedUsd: 0.5, runStatus: "completed", tasks: [task(1, { cost: 0.6 })] }),
			expected: [{ key: "budget:breach:1", severity: "critical", detected: 1.1 }],
		},
		{
			name: "no budget, nothing to judge",
			snapshot: snapshot({ tasks: [task(1, { cost: 100 })] }),
			expected: [],
		},
	],
	flaky_exercise: [
		{
			name: "one iteration passes, the other fails",
			snapshot: snapshot({
				tasks: [
					task(1, { exercise: "leap", iteration: 1 }),
					task(2, { exercise: "leap", iteration: 2, status: "failed", failureKind: "test_failed" }),
				],
			}),
			expected: [{ key: "flaky_exercise:python/leap", severity: "warning", detected: 1, taskIds: [1, 2] }],
		},
		{
			name: "an infra failure says nothing about the exercise",
			snapshot: snapshot({
				tasks: [
					task(1, { exercise: "leap", iteration: 1 }),
					task(2, { exercise: "leap", iteration: 2, status: "failed", failureKind: "infra" }),
				],
			}),
			expected: [],
		},
		{
			name: "pass, fail, pass over earlier runs and this one",
			snapshot: snapshot({
				tasks: [task(1, { exercise: "leap" })],
				history: [history(3, "leap", true), history(2, "leap", false)],
			}),
			expected: [{ key: "flaky_exercise:python/leap", severity: "warning", detected: 2 }],
		},
		{
			name: "a single change from pass to fail",
			snapshot: snapshot({
				tasks: [task(1, { exercise: "leap", status: "failed", failureKind: "test_failed" })],
				history: [history(3, "leap", true), history(2, "leap", true)],
			}),
			expected: [],
		},
	],
};

function summary(finding: Finding, expected: Expected): Expected {
	return {
		key: finding.key,
		severity: finding.severity,
		...(expected.detected !== undefined ? { detected: finding.detectedValue } : {}),
		...(expected.threshold !== undefined ? { threshold: finding.threshold } : {}),
		...(expected.taskIds !== undefined ? { taskIds: finding.taskIds } : {}),
		...(expected.recommendation !== undefined || finding.recommendation
			? {
					recommendation: finding.recommendation && {
						type: finding.recommendation.type,
						autoSafe: finding.recommendation.autoSafe,
					},
				}
			: {}),
	};
}

describe.each(Object.entries(table) as Array<[DetectorName, Case[]]>)("detector %s", (name, cases) => {
	it.each(cases.map((c) => [c.name, c] as const))("%s", (_, testCase) => {
		const config = defaultObserverConfig();
		testCase.config?.(config);
		const findings = detectors[name].detect(testCase.snapshot, config);
		expect(
			findings.map((finding, i) => summary(finding, testCase.expected[i] ?? { key: "", severity: "info" })),
		).toEqual(testCase.expected);
		for (const finding of findings) {
			// Every finding explains itself: a confidence in range and its evidence.
			expect(finding.detector).toBe(name);
			expect(finding.confidence).toBeGreaterThan(0);
			expect(finding.confidence).toBeLessThanOrEqual(1);
			expect(Object.keys(finding.evidence).length).toBeGreaterThan(0);
		}
	});
});

describe("thresholds from the config", () => {
	it("moves each detector's line", () => {
		const config = defaultObserverConfig();
		config.loop.repeats = 3;
		const looped = snapshot({ tasks: [running(1, { calls: calls(3, "list_files {}") })] });
		expect(detectors.loop.detect(looped, config).map((f) => f.key)).toEqual(["loop:1"]);
		expect(detectors.loop.detect(looped, defaultObserverConfig())).toEqual([]);
		config.stuck.seconds = 50;
		const quiet = snapshot({ tasks: [running(1, { startedAt: NOW - s(70), eventTimes: [NOW - s(65)] })] });
		expect(detectors.stuck_task.detect(quiet, config).map((f) => f.threshold)).toEqual([50]);
		expect(detectors.stuck_task.detect(quiet, defaultObserverConfig())).toEqual([]);
	});
});
