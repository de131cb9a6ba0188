import type { Bus } from "../bus/index.js";
import type { DatabaseKind } from "../db/client.js";
import type { Store } from "../db/store.js";
import type { Controller } from "../run/controller.js";
import type { RunExecutor } from "./executor.js";
import type { StreamHub } from "./stream-hub.js";

/** What the routes work with; handed to each sub-app, never global. */
export interface ServerDeps {
	store: Store;
	bus: Bus;
	controller: Controller;
	storeKind: DatabaseKind;
	executor: RunExecutor;
	hub: StreamHub;
	/** Suite of `GET /api/exercises` without `?suite=`, and of runs that name none. */
	defaultSuite: string;
	/** Folders a suite named in a request must lie in (`EVALS_SUITE_ROOTS` plus the default and bundled suites). */
	suiteRoots: readonly string[];
	/** Aborted when the server stops: open event streams end. */
	closing: AbortSignal;
	/** Interval of the event stream's keep-alive comment. */
	keepAliveMs: number;
	log: (message: string) => void;
	/** EVALS_TRACE_URL: a trace viewer's page with `{traceId}`, told to the dashboard. */
	traceUrl?: string;
}
