import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type AccessOptions, accessGuard } from "./access.js";
import type { ServerDeps } from "./deps.js";
import { badRequest, errorResponse, notFound, toHttpError } from "./errors.js";
import { compareRoutes } from "./routes/compare.js";
import { exerciseRoutes } from "./routes/exercises.js";
import { exportRoutes } from "./routes/export.js";
import { observerRoutes } from "./routes/observer.js";
import { runRoutes } from "./routes/runs.js";
import { streamRoutes } from "./routes/stream.js";
import { runTaskRoutes, taskRoutes } from "./routes/tasks.js";
import { spaRoutes } from "./spa.js";

export interface AppOptions extends AccessOptions {
	/** The built SPA (packages/web/dist); without it `/` explains how to build it. */
	webDist: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/*
 * The dashboard loads only its own files and talks only to this server (fetch and EventSource):
 * anything injected into a page (an exercise name, a model's output shown in a log) can neither
 * load a script from elsewhere nor send data away. Inline style attributes stay allowed (charts
 * and the not-built page use them); inline scripts do not.
 */
const CONTENT_SECURITY_POLICY = [
	"default-src 'self'",
	"script-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data:",
	"font-src 'self'",
	"connect-src 'self'",
	"object-src 'none'",
	"base-uri 'none'",
	"form-action 'self'",
	"frame-ancestors 'none'",
].join("; ");

/** The whole HTTP surface: the API under /api, the dashboard everywhere else. */
export function createApp(deps: ServerDeps, options: AppOptions) {
	const app = new Hono();
	app.onError((error, c) => errorResponse(c, toHttpError(error, deps.log)));
	app.notFound((c) => errorResponse(c, notFound(`No route for ${c.req.method} ${c.req.path}.`)));

	// No CORS headers at all: the dashboard is same-origin, and nobody else should read this API.
	app.use("*", async (c, next) => {
		await next();
		c.header("X-Content-Type-Options", "nosniff");
		// The token may travel in a query string; it must not leak through Referer.
		c.header("Referrer-Policy", "no-referrer");
		c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		c.header("X-Frame-Options", "DENY");
		c.header("Cross-Origin-Opener-Policy", "same-origin");
		c.header("Cross-Origin-Resource-Policy", "same-origin");
		if (c.req.path.startsWith("/api/")) c.header("Cache-Control", "no-store");
	});
	app.use("/api/*", accessGuard(options));
	// No request needs a large body (a run's config is the biggest); refuse before reading it all.
	app.use(
		"/api/*",
		bodyLimit({
			maxSize: MAX_BODY_BYTES,
			onError: () => {
				throw badRequest("The body is larger than 1 MB.");
			},
		}),
	);

	app.get("/api/health", (c) =>
		c.json({
			ok: true as const,
			store: deps.storeKind,
			bus: deps.bus.kind,
			...(deps.traceUrl ? { traceUrl: deps.traceUrl } : {}),
		}),
	);
	// The `evals worker` processes alive now, from their adverts (they expire when a worker dies).
	app.get("/api/workers", async (c) => c.json({ workers: await deps.bus.coordination.workers() }));
	app.route("/api/runs", runRoutes(deps));
	app.route("/api/runs", runTaskRoutes(deps));
	app.route("/api/runs", streamRoutes(deps));
	app.route("/api/runs", exportRoutes(deps));
	app.route("/api/runs", observerRoutes(deps));
	app.route("/api/tasks", taskRoutes(deps));
	app.route("/api/compare", compareRoutes(deps));
	app.route("/api/exercises", exerciseRoutes(deps));
	app.all("/api/*", (c) => errorResponse(c, notFound(`No route for ${c.req.method} ${c.req.path}.`)));

	app.route("/", spaRoutes(options.webDist));
	return app;
}

export type App = ReturnType<typeof createApp>;
