import type { RunEnvironment } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import { loadSuite } from "../src/exercises/load.js";
import { bundledSuitePath } from "../src/run/defaults.js";
import { describeEnvironment, environmentDifferences } from "../src/run/environment.js";

const base: RunEnvironment = {
	agentEvals: { version: "0.1.0", gitRevision: "abc" },
	suiteHash: "s1",
	exerciseHashes: { "go/a": "h1", "go/b": "h2" },
	toolchains: { go: "go version go1.26.8 linux/amd64", python: "Python 3.11.7", cargo: null },
	machine: { os: "linux 6", arch: "x64", cpus: 2, memoryGb: 24, node: "v20.20.2" },
};

describe("environmentDifferences: what can change results between two runs", () => {
	it("is empty for runs made alike, whatever else they selected", () => {
		const other = { ...base, suiteHash: "s2", exerciseHashes: { "go/a": "h1", "rust/c": "h9" } };
		expect(environmentDifferences(base, other)).toEqual([]);
	});

	it("names changed shared exercises, toolchains and agent-evals builds", () => {
		const other: RunEnvironment = {
			...base,
			agentEvals: { version: "0.1.0", gitRevision: "def-dirty" },
			exerciseHashes: { "go/a": "h1", "go/b": "CHANGED" },
			toolchains: { go: "go version go1.27.3 linux/amd64", python: "Python 3.11.7", cargo: "cargo 1.95.0" },
		};
		expect(environmentDifferences(base, other)).toEqual([
			"the exercises changed between the runs: go/b",
			"go: go version go1.26.8 linux/amd64 vs go version go1.27.3 linux/amd64",
			"cargo: not found vs cargo 1.95.0",
			"agent-evals: abc vs def-dirty",
		]);
	});

	it("compares only the toolchains both runs recorded", () => {
		const goOnly: RunEnvironment = { ...base, toolchains: { node: "v20", go: "go version go1.26.8 linux/amd64" } };
		const rustOnly: RunEnvironment = { ...base, toolchains: { node: "v22", cargo: "cargo 1.95.0" } };
		expect(environmentDifferences(goOnly, rustOnly)).toEqual(["node: v20 vs v22"]);
	});

	it("says so when a run predates the record", () => {
		expect(environmentDifferences(base, null)).toEqual([
			"one run has no environment record (made before agent-evals recorded it)",
		]);
		expect(environmentDifferences(null, null)).toEqual([]);
	});
});

describe("describeEnvironment", () => {
	it("records node and the toolchains of the run's languages, not every language's", async () => {
		const suite = await loadSuite(bundledSuitePath());
		const pick = (language: string) => suite.exercises.filter((exercise) => exercise.language === language).slice(0, 1);
		const goAndPython = await describeEnvironment([...pick("go"), ...pick("python")]);
		expect(Object.keys(goAndPython.toolchains).sort()).toEqual(["go", "node", "pytest", "python"]);
		expect(goAndPython.toolchains.node).toBe(process.version);
		expect(Object.keys(goAndPython.exerciseHashes)).toHaveLength(2);
		const java = await describeEnvironment(pick("java"));
		expect(Object.keys(java.toolchains).sort()).toEqual(["java", "maven", "node"]);
	});
});
