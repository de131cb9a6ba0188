import { useEffect, useRef, useState } from "react";
import { api } from "./client.js";
import type { ObserverView, RunSummary, TaskEvent } from "./types.js";

export type StreamState = "connecting" | "connected" | "reconnecting" | "idle";

/**
 * SSE event names: `run` plus every task event's wire name (RooCodeEventName in
 * @agent-evals/types, copied because importing the value would bundle zod). EventSource only
 * delivers named events to listeners registered by name.
 */
const taskEventNames = [
	"taskCreated",
	"taskStarted",
	"taskCompleted",
	"taskAborted",
	"taskFocused",
	"taskUnfocused",
	"taskActive",
	"taskInteractive",
	"taskResumable",
	"taskIdle",
	"taskPaused",
	"taskUnpaused",
	"taskSpawned",
	"taskDelegated",
	"taskDelegationCompleted",
	"taskDelegationResumed",
	"taskForked",
	"message",
	"taskModeSwitched",
	"taskAskResponded",
	"taskUserMessage",
	"taskTokenUsageUpdated",
	"taskToolFailed",
	"modeChanged",
	"providerProfileChanged",
	"taskContextConfirmation",
	"evalPass",
	"evalFail",
];

export interface StreamHandlers {
	onTaskEvent: (event: TaskEvent) => void;
	onRun: (run: RunSummary) => void;
	/** The observer's view, on connect and whenever it changes (observed runs only). */
	onObserver?: (view: ObserverView) => void;
	/** A fresh EventSource (after the browser gave up) has no Last-Event-ID: reload state from the API. */
	onResync: () => void;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Follows a run's event stream while `active`. The browser reconnects by itself and sends
 * Last-Event-ID so the server replays what was missed; when it gives up (the server answered
 * with an error status) this reconnects with backoff and asks the page to resync.
 */
export function useRunStream(runId: number, active: boolean, handlers: StreamHandlers): StreamState {
	const [state, setState] = useState<StreamState>(active ? "connecting" : "idle");
	const handlersRef = useRef(handlers);
	handlersRef.current = handlers;

	useEffect(() => {
		if (!active || !Number.isInteger(runId)) {
			setState("idle");
			return;
		}
		let source: EventSource | null = null;
		let retryTimer: ReturnType<typeof setTimeout> | undefined;
		let backoff = 1000;
		let disposed = false;
		let needsResync = false;

		const parse = (event: MessageEvent<string>): unknown => {
			try {
				return JSON.parse(event.data);
			} catch {
				return undefined;
			}
		};

		const onTask = (event: MessageEvent<string>) => {
			const data = parse(event) as TaskEvent | undefined;
			if (data && typeof data === "object" && "eventName" in data) handlersRef.current.onTaskEvent(data);
		};
		const onRun = (event: MessageEvent<string>) => {
			const data = parse(event) as RunSummary | undefined;
			if (data && typeof data === "object" && "status" in data) handlersRef.current.onRun(data);
		};
		const onObserver = (event: MessageEvent<string>) => {
			const data = parse(event) as ObserverView | undefined;
			if (data && typeof data === "object" && "anomalies" in data) handlersRef.current.onObserver?.(data);
		};
		const onUnnamed = (event: MessageEvent<string>) => {
			const data = parse(event);
			if (!data || typeof data !== "object") return;
			if ("eventName" in data) handlersRef.current.onTaskEvent(data as TaskEvent);
			else if ("status" in data && "passed" in data) handlersRef.current.onRun(data as RunSummary);
		};

		const connect = () => {
			if (disposed) return;
			source = new EventSource(api.streamUrl(runId));
			source.onopen = () => {
				backoff = 1000;
				setState("connected");
				if (needsResync) {
					needsResync = false;
					handlersRef.current.onResync();
				}
			};
			source.onerror = () => {
				if (!source) return;
				if (source.readyState === EventSource.CLOSED) {
					source.close();
					source = null;
					needsResync = true;
					setState("reconnecting");
					retryTimer = setTimeout(connect, backoff);
					backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
				} else {
					setState("reconnecting");
				}
			};
			source.onmessage = onUnnamed;
			source.addEventListener("run", onRun);
			source.addEventListener("observer", onObserver);
			for (const name of taskEventNames) source.addEventListener(name, onTask);
		};

		setState("connecting");
		connect();
		return () => {
			disposed = true;
			clearTimeout(retryTimer);
			source?.close();
		};
	}, [runId, active]);

	return state;
}
