import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";

/** packages/web/dist, found from src/server or dist/server alike (both two levels below the package). */
export function defaultWebDist(): string {
	return fileURLToPath(new URL("../../../web/dist", import.meta.url));
}

const contentTypes: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".json": "application/json; charset=utf-8",
	".map": "application/json; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".svg": "image/svg+xml",
	".png": "image/png",
	".jpg": "image/jpeg",
	".jpeg": "image/jpeg",
	".gif": "image/gif",
	".webp": "image/webp",
	".ico": "image/x-icon",
	".woff": "font/woff",
	".woff2": "font/woff2",
	".txt": "text/plain; charset=utf-8",
};

const notBuilt = (webDist: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agent-evals</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; line-height: 1.5">
<h1>agent-evals</h1>
<p>The API is up (<a href="/api/health">/api/health</a>), but the dashboard is not built:
there is no <code>${webDist.replaceAll("&", "&amp;").replaceAll("<", "&lt;")}/index.html</code>.</p>
<p>Build it, then reload this page (no restart needed):</p>
<pre>npm run build -w @agent-evals/web</pre>
</body></html>
`;

async function isFile(file: string): Promise<boolean> {
	return stat(file).then(
		(info) => info.isFile(),
		() => false,
	);
}

/**
 * The built SPA: files as they are, index.html for any other path so client-side routes work on
 * reload. Looked up per request, so building the web package needs no server restart.
 */
export function spaRoutes(webDist: string) {
	const root = path.resolve(webDist);
	const index = path.join(root, "index.html");
	return new Hono().get("*", async (c) => {
		let pathname: string;
		try {
			pathname = decodeURIComponent(new URL(c.req.url).pathname);
		} catch {
			return c.text("Bad path", 400);
		}
		const file = path.resolve(root, `.${path.posix.normalize(`/${pathname}`)}`);
		const inside = file === root || file.startsWith(`${root}${path.sep}`);
		if (inside && file !== root && (await isFile(file))) {
			const immutable = file.startsWith(path.join(root, "assets") + path.sep);
			return c.body(new Uint8Array(await readFile(file)), 200, {
				"Content-Type": contentTypes[path.extname(file).toLowerCase()] ?? "application/octet-stream",
				// Vite names assets by content hash; everything else may change with a rebuild.
				"Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
			});
		}
		// A missing script or image must not come back as HTML.
		if (path.extname(pathname) !== "" && path.extname(pathname) !== ".html") return c.text("Not found", 404);
		if (!(await isFile(index))) return c.html(notBuilt(root), pathname === "/" ? 200 : 404);
		return c.body(new Uint8Array(await readFile(index)), 200, {
			"Content-Type": contentTypes[".html"] ?? "text/html",
			"Cache-Control": "no-cache",
		});
	});
}
