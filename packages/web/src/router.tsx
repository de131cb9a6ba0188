import { type AnchorHTMLAttributes, type MouseEvent, useCallback, useMemo, useSyncExternalStore } from "react";
import { withSearch } from "./lib/route-match.js";

/*
 * A small History-API router: five pages and query-string state do not need a routing
 * framework, and this one is easy to read end to end.
 */

const listeners = new Set<() => void>();

function notify(): void {
	for (const listener of listeners) listener();
}

window.addEventListener("popstate", notify);

function subscribe(listener: () => void): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

function snapshot(): string {
	return window.location.pathname + window.location.search;
}

export interface NavigateOptions {
	replace?: boolean;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
	if (to === snapshot()) return;
	const samePath = new URL(to, window.location.href).pathname === window.location.pathname;
	if (options.replace) window.history.replaceState(null, "", to);
	else window.history.pushState(null, "", to);
	// A new page starts at the top; a query change (filters, an open drawer) keeps the scroll.
	if (!samePath) window.scrollTo(0, 0);
	notify();
}

export function useLocation(): { pathname: string; search: string } {
	const current = useSyncExternalStore(subscribe, snapshot);
	return useMemo(() => {
		const queryAt = current.indexOf("?");
		return queryAt < 0
			? { pathname: current, search: "" }
			: { pathname: current.slice(0, queryAt), search: current.slice(queryAt) };
	}, [current]);
}

type SearchChanges = Record<string, string | number | boolean | null | undefined>;

/** The query string as state: `update` merges changes (replacing history by default, for filters). */
export function useSearchParams(): [URLSearchParams, (changes: SearchChanges, options?: NavigateOptions) => void] {
	const { pathname, search } = useLocation();
	const params = useMemo(() => new URLSearchParams(search), [search]);
	const update = useCallback(
		(changes: SearchChanges, options: NavigateOptions = { replace: true }) => {
			const current = new URLSearchParams(window.location.search);
			navigate(pathname + withSearch(current, changes), options);
		},
		[pathname],
	);
	return [params, update];
}

function isPlainLeftClick(event: MouseEvent<HTMLAnchorElement>): boolean {
	return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

export interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
	to: string;
	replace?: boolean;
}

/** An ordinary anchor (so middle-click and "open in new tab" work) that navigates in-app. */
export function Link({ to, replace, onClick, target, children, ...rest }: LinkProps) {
	return (
		<a
			{...rest}
			href={to}
			target={target}
			onClick={(event) => {
				onClick?.(event);
				if (event.defaultPrevented || !isPlainLeftClick(event) || (target && target !== "_self")) return;
				event.preventDefault();
				navigate(to, { replace });
			}}
		>
			{children}
		</a>
	);
}
