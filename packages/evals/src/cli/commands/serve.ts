import { hostname } from "node:os";
import type { Command } from "commander";
import { evalsHome } from "../../run/defaults.js";
import {
	checkBinding,
	DEFAULT_HOST,
	DEFAULT_PORT,
	isLiveHere,
	readDiscovery,
	removeDiscovery,
	removeDiscoverySync,
	ServerConfigError,
	startServer,
	writeDiscovery,
} from "../../server/index.js";
import { openContext } from "../context.js";
import { UsageError } from "../errors.js";
import { integer } from "../options.js";

export function registerServe(program: Command): void {
	program
		.command("serve")
		.description(
			"Serve the dashboard and its HTTP API, and execute the runs started from it (or handed over by `evals run`)",
		)
		.option("-p, --port <port>", "port to listen on (0: any free port)", integer(0, 65_535), DEFAULT_PORT)
		.option(
			"-H, --host <address>",
			"address to listen on; anything but loopback requires EVALS_API_TOKEN",
			DEFAULT_HOST,
		)
		.addHelpText(
			"after",
			"\nWith EVALS_API_TOKEN set, every API request needs `Authorization: Bearer <token>` (open the dashboard as /?token=<token>).\nWhile it runs, `evals run` with the same EVALS_HOME hands its runs to this server, which holds the embedded database.\nEVALS_TRACE_URL (e.g. http://localhost:16686/trace/{traceId}) links each task to its trace.",
		)
		.action(async (flags: { port: number; host: string }) => {
			const token = process.env.EVALS_API_TOKEN || undefined;
			try {
				checkBinding(flags.host, token);
			} catch (error) {
				if (error instanceof ServerConfigError) throw new UsageError(error.message);
				throw error;
			}
			const home = evalsHome();
			const other = await readDiscovery(home);
			if (other && other.pid !== process.pid && isLiveHere(other)) {
				throw new UsageError(`evals serve already runs for ${home} at ${other.url} (process ${other.pid}).`);
			}
			const debug = Boolean(process.env.EVALS_DEBUG);
			const ctx = await openContext({
				log: (message) => debug && process.stderr.write(`${message}\n`),
				runsTasks: true,
			});
			let server: Awaited<ReturnType<typeof startServer>>;
			try {
				server = await startServer({
					store: ctx.store,
					bus: ctx.bus,
					controller: ctx.controller,
					storeKind: ctx.database.kind,
					host: flags.host,
					port: flags.port,
					token,
					traceUrl: process.env.EVALS_TRACE_URL,
					log: (message) => process.stderr.write(`evals serve: ${message}\n`),
				});
			} catch (error) {
				await ctx.close();
				if (error instanceof ServerConfigError) throw new UsageError(error.message);
				throw error;
			}
			const forget = () => removeDiscoverySync(home);
			process.on("exit", forget);
			await writeDiscovery(home, {
				pid: process.pid,
				url: server.url,
				host: server.host,
				port: server.port,
				hostname: hostname(),
				store: ctx.database.kind,
				tokenRequired: token !== undefined,
				startedAt: new Date().toISOString(),
			});
			process.stdout.write(`evals serve: dashboard and API at ${server.url}\n`);
			process.stderr.write(
				`Store ${ctx.database.location}, bus ${ctx.bus.kind}${token ? ", token required" : ""}. Ctrl-C stops the server and cancels the runs it executes.\n`,
			);

			await new Promise<void>((resolve) => {
				let signals = 0;
				const onSignal = () => {
					signals++;
					if (signals > 1) process.exit(130);
					process.stderr.write("\nStopping (Ctrl-C again to quit at once)…\n");
					resolve();
				};
				process.on("SIGINT", onSignal);
				process.on("SIGTERM", onSignal);
			});
			try {
				await server.close();
			} finally {
				await ctx.close();
				await removeDiscovery(home);
				process.off("exit", forget);
			}
		});
}
