import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors.js";

export interface AccessOptions {
	/** EVALS_API_TOKEN: when set, every API request must carry it. */
	token?: string;
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1, as a URL hostname spells them. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
	return (
		host === "localhost" ||
		host.endsWith(".localhost") ||
		host === "::1" ||
		host === "0:0:0:0:0:0:0:1" ||
		/^127(\.\d{1,3}){3}$/.test(host)
	);
}

const digest = (text: string) => createHash("sha256").update(text).digest();

function sameToken(given: string, expected: string): boolean {
	// Hashes have one length, so the comparison time says nothing about the token.
	return timingSafeEqual(digest(given), digest(expected));
}

const unauthorized = (message: string) => new HttpError("unauthorized", message);

/**
 * Guards /api. With a token: `Authorization: Bearer <token>`, or `?token=` for EventSource,
 * which cannot set headers. Without one the server only listens on loopback, so a request must
 * also name a loopback host (a DNS-rebinding page names its own). Either way a state-changing
 * request from another site's page is refused by its Origin; loopback origins are let through
 * for the dashboard's dev server, which proxies from another port.
 */
export function accessGuard(options: AccessOptions): MiddlewareHandler {
	return async (c, next) => {
		const url = new URL(c.req.url);
		if (options.token !== undefined) {
			const header = c.req.header("authorization") ?? "";
			const bearer = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
			const given = bearer ?? url.searchParams.get("token") ?? undefined;
			if (given === undefined) {
				throw unauthorized("This server requires a token: send Authorization: Bearer <EVALS_API_TOKEN>.");
			}
			if (!sameToken(given, options.token)) throw unauthorized("The token is not valid.");
		} else if (!isLoopbackHost(url.hostname)) {
			throw unauthorized(`Requests must address this server as localhost or 127.0.0.1, not "${url.hostname}".`);
		}
		if (!["GET", "HEAD", "OPTIONS"].includes(c.req.method)) {
			const origin = c.req.header("origin");
			if (origin !== undefined && !allowedOrigin(origin, url)) {
				throw unauthorized(`Cross-origin requests from ${origin} are refused.`);
			}
		}
		await next();
	};
}

function allowedOrigin(origin: string, target: URL): boolean {
	try {
		const from = new URL(origin);
		return from.host === target.host || (isLoopbackHost(from.hostname) && isLoopbackHost(target.hostname));
	} catch {
		return false;
	}
}
