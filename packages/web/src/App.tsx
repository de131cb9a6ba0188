import { lazy, Suspense } from "react";
import { ApiError, api, errorMessage } from "./api/client.js";
import { Icon } from "./components/icons.js";
import { FeedbackProvider, Loading } from "./components/ui.js";
import { useApi, useInterval } from "./hooks.js";
import { matchRoute } from "./lib/route-match.js";
import { ComparePage } from "./pages/ComparePage.js";
import { NewRunPage } from "./pages/NewRunPage.js";
import { NotFoundPage } from "./pages/NotFoundPage.js";
import { RunPage } from "./pages/RunPage.js";
import { RunsPage } from "./pages/RunsPage.js";
import { WorkersPage } from "./pages/WorkersPage.js";
import { Link, useLocation } from "./router.js";
import { setThemeChoice, type ThemeChoice, useThemeChoice } from "./theme.js";

// chart.js is only needed here; keeping it out of the main chunk makes every other page load faster.
const LeaderboardPage = lazy(() => import("./pages/LeaderboardPage.js").then((m) => ({ default: m.LeaderboardPage })));

function Page({ pathname }: { pathname: string }) {
	if (pathname === "/" || matchRoute("/runs", pathname)) return <RunsPage />;
	if (matchRoute("/runs/new", pathname)) return <NewRunPage />;
	const run = matchRoute("/runs/:id", pathname);
	if (run) return <RunPage key={run.id} id={Number(run.id)} />;
	if (matchRoute("/compare", pathname)) return <ComparePage />;
	if (matchRoute("/workers", pathname)) return <WorkersPage />;
	if (matchRoute("/leaderboard", pathname)) {
		return (
			<Suspense fallback={<Loading />}>
				<LeaderboardPage />
			</Suspense>
		);
	}
	return <NotFoundPage />;
}

const nextTheme: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const themeLabel: Record<ThemeChoice, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

function ThemeToggle() {
	const choice = useThemeChoice();
	return (
		<button
			type="button"
			className="icon-btn"
			onClick={() => setThemeChoice(nextTheme[choice])}
			title={`${themeLabel[choice]} (click for ${nextTheme[choice]})`}
			aria-label={`${themeLabel[choice]}; switch to ${nextTheme[choice]}`}
			data-testid="theme-toggle"
			data-theme-choice={choice}
		>
			<Icon name={choice === "light" ? "sun" : choice === "dark" ? "moon" : "auto"} size={18} />
		</button>
	);
}

function HealthDot() {
	const health = useApi("health", () => api.health());
	useInterval(() => void health.reload(), 30_000);
	const ok = health.data?.ok === true && !health.error;
	if (health.loading && !health.data && !health.error) return null;
	const needsToken = health.error instanceof ApiError && health.error.status === 401;
	const detail = health.data ? [health.data.store, health.data.bus].filter(Boolean).join(" · ") : "";
	return (
		<span
			className={`health ${ok ? "health-ok" : "health-bad"}`}
			data-testid="api-health"
			data-ok={ok}
			title={ok ? `API reachable${detail ? ` (${detail})` : ""}` : errorMessage(health.error ?? "API unhealthy")}
		>
			<span className="dot" aria-hidden="true" />
			<span className="health-label">{ok ? "API" : needsToken ? "Token needed" : "API down"}</span>
		</span>
	);
}

function NavLink({ to, active, children }: { to: string; active: boolean; children: string }) {
	return (
		<Link to={to} className={active ? "nav-link active" : "nav-link"} aria-current={active ? "page" : undefined}>
			{children}
		</Link>
	);
}

export function App() {
	const { pathname } = useLocation();
	const onRuns = pathname === "/" || pathname.startsWith("/runs");
	return (
		<FeedbackProvider>
			<header className="topbar">
				<div className="topbar-inner">
					<Link to="/" className="brand" aria-label="agent-evals home">
						<span className="brand-mark" aria-hidden="true">
							<Icon name="check" size={14} />
						</span>
						<span className="brand-name">agent-evals</span>
					</Link>
					<nav className="nav" aria-label="Main">
						<NavLink to="/" active={onRuns}>
							Runs
						</NavLink>
						<NavLink to="/compare" active={pathname.startsWith("/compare")}>
							Compare
						</NavLink>
						<NavLink to="/leaderboard" active={pathname.startsWith("/leaderboard")}>
							Leaderboard
						</NavLink>
						<NavLink to="/workers" active={pathname.startsWith("/workers")}>
							Workers
						</NavLink>
					</nav>
					<div className="topbar-end">
						<HealthDot />
						<ThemeToggle />
					</div>
				</div>
			</header>
			<main className="page">
				<Page pathname={pathname} />
			</main>
		</FeedbackProvider>
	);
}
