// Applies a theme pinned with the toggle before first paint. The key must match THEME_KEY in src/theme.ts.
(() => {
	try {
		const theme = localStorage.getItem("agent-evals.theme");
		if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
	} catch {
		// Storage can be blocked (private mode, policies); the system theme still applies.
	}
})();
