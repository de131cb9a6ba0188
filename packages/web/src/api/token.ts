const TOKEN_KEY = "agent-evals.token";

let cached: string | null | undefined;

/**
 * A server started with a token opens the dashboard as `/?token=...`. The token moves to
 * sessionStorage and out of the address bar, so it is neither bookmarked, shared with a copied
 * link, nor sent on as a Referer; it lasts as long as the tab.
 */
export function captureToken(): void {
	const url = new URL(window.location.href);
	const fromUrl = url.searchParams.get("token");
	if (fromUrl === null) return;
	cached = fromUrl;
	try {
		sessionStorage.setItem(TOKEN_KEY, fromUrl);
	} catch {
		// Without storage the token still lives in memory for this page load.
	}
	url.searchParams.delete("token");
	window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
}

export function getToken(): string | null {
	if (cached !== undefined) return cached;
	try {
		cached = sessionStorage.getItem(TOKEN_KEY);
	} catch {
		cached = null;
	}
	return cached;
}
