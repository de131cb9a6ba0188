import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT, runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/runner.js";

/*
 * No container engine runs here, so the images are never built. What can be checked without one
 * is: the compose file parses, it holds what the README promises, and the commands the images
 * run exist in the CLI with the options they pass.
 */

const compose = parse(readFileSync(join(REPO_ROOT, "docker", "compose.yaml"), "utf8"), { merge: true }) as {
	services: Record<string, Record<string, unknown>>;
	volumes: Record<string, unknown>;
};
const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("### Compose stack"), readme.indexOf("**Not run here:**"));

/** The `ENTRYPOINT` and `CMD` of a Dockerfile (exec form), and the sources it copies. */
function dockerfile(name: string) {
	const text = readFileSync(join(REPO_ROOT, "docker", name), "utf8");
	const exec = (keyword: string) => {
		const line = text.split("\n").find((l) => l.startsWith(`${keyword} `));
		if (!line) throw new Error(`${name} has no ${keyword}`);
		return JSON.parse(line.slice(keyword.length + 1)) as string[];
	};
	const copied = text
		.split("\n")
		.filter((l) => l.startsWith("COPY "))
		.flatMap((l) => l.split(/\s+/).slice(1, -1));
	return { entrypoint: exec("ENTRYPOINT"), cmd: exec("CMD"), copied };
}

describe("docker/compose.yaml", () => {
	it("names every service and volume the README's compose section names", () => {
		// Names are the single-word code spans: "services `a` (…), `b` …, with volumes `x`, `y`."
		const names = (text: string) => [...text.matchAll(/`([\w-]+)`/g)].map((m) => m[1]);
		const services = names(section.slice(section.indexOf("starts services"), section.indexOf("with volumes")));
		const volumes = names(
			section.slice(section.indexOf("with volumes"), section.indexOf(".", section.indexOf("with volumes"))),
		);
		expect(services).toEqual(["postgres", "redis", "jaeger", "web", "worker"]);
		expect(volumes).toEqual(["postgres-data", "redis-data", "evals-home"]);
		expect(Object.keys(compose.services).sort()).toEqual([...services].sort());
		expect(Object.keys(compose.volumes).sort()).toEqual([...volumes].sort());
	});

	it("publishes upstream's ports, scales workers, and checks the health of what workers wait for", () => {
		const ports = (service: string) => (compose.services[service]?.ports as string[] | undefined) ?? [];
		expect(ports("postgres")).toContain("5433:5432");
		expect(ports("redis")).toContain("6380:6379");
		expect(ports("web")).toContain("3446:3446");
		expect(compose.services.worker?.deploy).toEqual({ replicas: 3 });
		for (const service of ["postgres", "redis", "web", "jaeger"]) {
			expect(compose.services[service]?.healthcheck, service).toMatchObject({ test: expect.any(Array) });
		}
		// The merged anchor gives web and workers the same store, queue and deployment.
		for (const service of ["web", "worker"]) {
			expect(compose.services[service]?.environment).toMatchObject({
				DATABASE_URL: "postgres://evals:evals@postgres:5432/agent_evals",
				REDIS_URL: "redis://redis:6379",
				EVALS_DEPLOYMENT: "evals",
			});
		}
		expect(compose.services.web?.environment).toHaveProperty("EVALS_API_TOKEN");
		for (const service of ["web", "worker"]) {
			const build = compose.services[service]?.build as { dockerfile: string };
			expect(readFileSync(join(REPO_ROOT, "docker", "..", build.dockerfile), "utf8")).toContain("FROM node:20");
		}
	});
});

describe("the images' commands", () => {
	for (const [name, command, options] of [
		["runner.Dockerfile", "worker", ["--concurrency"]],
		["web.Dockerfile", "serve", ["--host", "--port"]],
	] as const) {
		it(`${name} runs \`evals ${command}\`, which exists with the options it passes`, async () => {
			const image = dockerfile(name);
			expect(image.entrypoint).toEqual(["node", "packages/evals/bin/evals.js"]);
			for (const source of image.copied) expect(() => readFileSync(join(REPO_ROOT, source))).not.toThrow(/ENOENT/);
			expect(image.cmd[0]).toBe(command);
			const help = await runCli([command, "--help"], { home: tempDir("compose-help") });
			expect(help.code).toBe(0);
			for (const option of options) {
				expect(image.cmd).toContain(option);
				expect(help.stdout).toContain(option);
			}
		});
	}
});
