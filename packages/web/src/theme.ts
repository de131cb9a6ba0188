import { useSyncExternalStore } from "react";

/** Must match public/theme-init.js, which applies the saved choice before first paint. */
export const THEME_KEY = "agent-evals.theme";

export type ThemeChoice = "system" | "light" | "dark";

const listeners = new Set<() => void>();
const media = window.matchMedia("(prefers-color-scheme: dark)");
media.addEventListener("change", () => {
	for (const listener of listeners) listener();
});

function readChoice(): ThemeChoice {
	try {
		const saved = localStorage.getItem(THEME_KEY);
		return saved === "light" || saved === "dark" ? saved : "system";
	} catch {
		return "system";
	}
}

let choice: ThemeChoice = readChoice();

export function setThemeChoice(next: ThemeChoice): void {
	choice = next;
	try {
		if (next === "system") localStorage.removeItem(THEME_KEY);
		else localStorage.setItem(THEME_KEY, next);
	} catch {
		// The choice still holds for this page load.
	}
	if (next === "system") delete document.documentElement.dataset.theme;
	else document.documentElement.dataset.theme = next;
	for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export function useThemeChoice(): ThemeChoice {
	return useSyncExternalStore(subscribe, () => choice);
}

/** The theme actually shown, for code that draws with colours (the chart). */
export function useResolvedTheme(): "light" | "dark" {
	return useSyncExternalStore(subscribe, () => (choice === "system" ? (media.matches ? "dark" : "light") : choice));
}

/** Current values of CSS custom properties, for canvas drawing that must match the page. */
export function readCssVars<K extends string>(names: readonly K[]): Record<K, string> {
	const style = getComputedStyle(document.documentElement);
	return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name).trim()])) as Record<K, string>;
}
