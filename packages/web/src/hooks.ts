import { useCallback, useEffect, useRef, useState } from "react";

export interface ApiState<T> {
	data: T | undefined;
	error: unknown;
	loading: boolean;
	/** Fetches again without blanking what is shown. */
	reload: () => Promise<void>;
	setData: (update: (current: T | undefined) => T | undefined) => void;
}

/**
 * Loads data for `key` (a string naming the request; null waits). A new key keeps the old data
 * on screen until the new answer arrives, so changing a filter does not flash an empty page;
 * answers to superseded requests are dropped.
 */
export function useApi<T>(key: string | null, load: () => Promise<T>): ApiState<T> {
	const loadRef = useRef(load);
	loadRef.current = load;
	const generation = useRef(0);
	const [data, setDataState] = useState<T>();
	const [error, setError] = useState<unknown>();
	const [loading, setLoading] = useState(key !== null);

	const fetchNow = useCallback(async (quiet: boolean) => {
		const mine = ++generation.current;
		if (!quiet) setLoading(true);
		try {
			const result = await loadRef.current();
			if (mine !== generation.current) return;
			setDataState(result);
			setError(undefined);
		} catch (caught) {
			if (mine === generation.current) setError(caught);
		} finally {
			if (mine === generation.current) setLoading(false);
		}
	}, []);

	useEffect(() => {
		if (key === null) return;
		void fetchNow(false);
		return () => {
			generation.current++;
		};
	}, [key, fetchNow]);

	const reload = useCallback(() => fetchNow(true), [fetchNow]);
	const setData = useCallback((update: (current: T | undefined) => T | undefined) => setDataState(update), []);
	return { data, error, loading, reload, setData };
}

/** Calls `callback` every `ms` while `ms` is a number; null pauses. Skips ticks while the tab is hidden. */
export function useInterval(callback: () => void, ms: number | null): void {
	const saved = useRef(callback);
	saved.current = callback;
	useEffect(() => {
		if (ms === null) return;
		const timer = setInterval(() => {
			if (document.visibilityState !== "hidden") saved.current();
		}, ms);
		return () => clearInterval(timer);
	}, [ms]);
}

/** The current time, refreshed every `ms` while enabled, for live clocks. */
export function useNow(ms: number, enabled = true): number {
	const [now, setNow] = useState(() => Date.now());
	useInterval(() => setNow(Date.now()), enabled ? ms : null);
	return now;
}

export function useDebounced<T>(value: T, ms: number): T {
	const [debounced, setDebounced] = useState(value);
	useEffect(() => {
		const timer = setTimeout(() => setDebounced(value), ms);
		return () => clearTimeout(timer);
	}, [value, ms]);
	return debounced;
}

export function useDocumentTitle(title: string): void {
	useEffect(() => {
		document.title = title ? `${title} · agent-evals` : "agent-evals";
	}, [title]);
}
