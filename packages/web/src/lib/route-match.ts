export type RouteParams = Record<string, string>;

/**
 * Matches `/runs/:id` style patterns against a pathname (a trailing slash is ignored). Returns
 * the decoded params, or null.
 */
export function matchRoute(pattern: string, pathname: string): RouteParams | null {
	const split = (path: string) => path.replace(/\/+$/, "").split("/").filter(Boolean);
	const want = split(pattern);
	const have = split(pathname);
	if (want.length !== have.length) return null;
	const params: RouteParams = {};
	for (const [index, part] of want.entries()) {
		const actual = have[index] as string;
		if (part.startsWith(":")) {
			try {
				params[part.slice(1)] = decodeURIComponent(actual);
			} catch {
				return null;
			}
		} else if (part !== actual) {
			return null;
		}
	}
	return params;
}

/** A new query string with `changes` applied: empty, null and undefined values remove the key. */
export function withSearch(
	current: URLSearchParams,
	changes: Record<string, string | number | boolean | null | undefined>,
): string {
	const next = new URLSearchParams(current);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === undefined || value === "" || value === false) next.delete(key);
		else next.set(key, String(value));
	}
	const text = next.toString();
	return text ? `?${text}` : "";
}
