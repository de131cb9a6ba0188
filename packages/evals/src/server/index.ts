import type { AddressInfo } from "node:net";
import { isTraceUrlTemplate } from "@agent-evals/types";
import { serve } from "@hono/node-server";
import type { Bus } from "../bus/index.js";
import type { DatabaseKind } from "../db/client.js";
import type { Store } from "../db/store.js";
import type { Controller } from "../run/controller.js";
import { bundledSuitePath } from "../run/defaults.js";
import { isLoopbackHost } from "./access.js";
import { type App, createApp } from "./app.js";
import type { ServerDeps } from "./deps.js";
import { RunExecutor } from "./executor.js";
import { KEEP_ALIVE_MS } from "./routes/stream.js";
import { defaultWebDist } from "./spa.js";
import { StreamHub } from "./stream-hub.js";
import { suiteRootsFrom } from "./suite-roots.js";

export { type App, createApp } from "./app.js";
export type { ServerDeps } from "./deps.js";
export * from "./discovery.js";
export { RunExecutor } from "./executor.js";
export { StreamHub } from "./stream-hub.js";

export const DEFAULT_PORT = 3446;
export const DEFAULT_HOST = "127.0.0.1";

/** The server cannot start as configured; the message tells the user what to do. */
export class ServerConfigError extends Error {
	override readonly name = "ServerConfigError";
}

export interface ServerOptions {
	store: Store;
	bus: Bus;
	controller: Controller;
	storeKind: DatabaseKind;
	host?: string;
	/** 0 picks a free port. */
	port?: number;
	/** EVALS_API_TOKEN; required unless the host is a loopback address. */
	token?: string;
	webDist?: string;
	defaultSuite?: string;
	/** Folders suites named over the API may come from; default `EVALS_SUITE_ROOTS` plus the default and bundled suites. */
	suiteRoots?: readonly string[];
	/** Interval of the event stream's keep-alive comment; 15 s. */
	keepAliveMs?: number;
	log?: (message: string) => void;
	/** EVALS_TRACE_URL: a trace viewer's page with `{traceId}` in it, linked from each task. */
	traceUrl?: string;
}

export interface RunningServer {
	/** Where this host reaches the server. */
	url: string;
	host: string;
	port: number;
	deps: ServerDeps;
	/** Ends event streams, cancels the runs executing here, and stops listening. */
	close(): Promise<void>;
}

/** Refuses a bind beyond this machine without a token: the API starts agents that run commands. */
export function checkBinding(host: string, token: string | undefined): void {
	if (token !== undefined && token.trim().length < 16) {
		throw new ServerConfigError("EVALS_API_TOKEN is too short: use at least 16 random characters.");
	}
	if (!isLoopbackHost(host) && token === undefined) {
		throw new ServerConfigError(
			`Refusing to listen on ${host} without a token: anyone who reaches it could start agents that run commands on this machine. ` +
				"Set EVALS_API_TOKEN to a long random secret (e.g. `export EVALS_API_TOKEN=$(openssl rand -hex 32)`), " +
				`or listen on ${DEFAULT_HOST} (the default).`,
		);
	}
}

export function urlFor(host: string, port: number): string {
	const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
	return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/** The app and what it runs on, not listening yet: `app.request()` drives it in tests. */
export function createServer(options: ServerOptions): { app: App; deps: ServerDeps; close(): Promise<void> } {
	const token = options.token === "" ? undefined : options.token;
	const traceUrl = options.traceUrl?.trim() || undefined;
	if (traceUrl && !isTraceUrlTemplate(traceUrl)) {
		throw new ServerConfigError(
			`EVALS_TRACE_URL must be an http(s) URL with {traceId} in it, e.g. http://localhost:16686/trace/{traceId}; got "${traceUrl}".`,
		);
	}
	const log = options.log ?? (() => {});
	const closing = new AbortController();
	const executor = new RunExecutor(options.controller, options.store, log);
	const hub = new StreamHub(options.store, options.bus, log);
	const defaultSuite = options.defaultSuite ?? bundledSuitePath();
	const deps: ServerDeps = {
		store: options.store,
		bus: options.bus,
		controller: options.controller,
		storeKind: options.storeKind,
		executor,
		hub,
		defaultSuite,
		suiteRoots: options.suiteRoots ?? suiteRootsFrom(process.env, [defaultSuite, bundledSuitePath()]),
		closing: closing.signal,
		keepAliveMs: options.keepAliveMs ?? KEEP_ALIVE_MS,
		log,
		...(traceUrl ? { traceUrl } : {}),
	};
	const app = createApp(deps, { token, webDist: options.webDist ?? defaultWebDist() });
	let closed: Promise<void> | undefined;
	return {
		app,
		deps,
		close() {
			closed ??= (async () => {
				closing.abort();
				await executor.stop();
				hub.close();
			})();
			return closed;
		},
	};
}

/** Checks the binding, listens, and serves until `close()`. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
	const host = options.host ?? DEFAULT_HOST;
	const token = options.token === "" ? undefined : options.token;
	checkBinding(host, token);
	const { app, deps, close } = createServer(options);
	const requestedPort = options.port ?? DEFAULT_PORT;
	const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
		const started = serve({ fetch: app.fetch, hostname: host, port: requestedPort }, () => resolve(started));
		started.once("error", (error: NodeJS.ErrnoException) => {
			if (error.code === "EADDRINUSE") {
				reject(new ServerConfigError(`Port ${requestedPort} on ${host} is in use: choose another with --port.`));
			} else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
				reject(new ServerConfigError(`Cannot listen on ${host}: no such local address.`));
			} else reject(error);
		});
	}).catch(async (error: unknown) => {
		await close();
		throw error;
	});
	// The port actually bound: with --port 0 the system picks one.
	const port = (server.address() as AddressInfo).port;

	let closed: Promise<void> | undefined;
	return {
		url: urlFor(host, port),
		host,
		port,
		deps,
		close() {
			closed ??= (async () => {
				await close();
				await new Promise<void>((resolve) => {
					server.close(() => resolve());
					// Idle keep-alive sockets would hold close() open for seconds.
					if ("closeIdleConnections" in server) server.closeIdleConnections();
				});
			})();
			return closed;
		},
	};
}
