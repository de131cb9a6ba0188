import { access, link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { type Schema, schema } from "./schema.js";
import { currentSeed, defaultSeedPath, migrationsFolder, readSeed, unpackSeed } from "./seed.js";

/** The drizzle instance, one type for both backends: only what PostgreSQL and PGlite share. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
	db: Db;
	kind: DatabaseKind;
	/** Where the data lives, safe to print: no password. */
	location: string;
	/** Applies pending migrations; openDatabase already did, this is for tests and tools. */
	migrate(): Promise<void>;
	close(): Promise<void>;
	/** A new embedded database that started from the build's seed instead of an empty initdb. */
	seeded: boolean;
}

export interface OpenDatabaseOptions {
	/** postgres:// or postgresql:// for PostgreSQL, memory:// for a throwaway in-memory PGlite. */
	databaseUrl?: string;
	/** Home of the embedded database (`<evalsHome>/db`); default `$EVALS_HOME` or `./.evals`. */
	evalsHome?: string;
	/** PostgreSQL pool size; default 10. */
	maxConnections?: number;
	/** How long to wait for a PostgreSQL connection; default 10 s. */
	connectTimeoutMs?: number;
	/** The migrated data directory a new embedded database starts from (see seed.ts); false: none. */
	seed?: string | false;
}

import { DatabaseOpenError } from "./open-error.js";

export { DatabaseOpenError };

// Arbitrary but fixed: every process migrating the same PostgreSQL database must pick the same key.
const MIGRATION_LOCK_KEY = 7_315_002_441;

/**
 * Opens the store's database and brings its schema up to date. Without a URL this is the
 * embedded PGlite under `<evalsHome>/db`; DATABASE_URL is deliberately not read here, the caller
 * decides (so tests and tools never hit a shared server by accident).
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
	const url = options.databaseUrl?.trim();
	if (url && /^postgres(ql)?:\/\//i.test(url)) return openPostgres(url, options);
	if (url && url.toLowerCase() === "memory://") return openPglite(undefined, options.seed ?? defaultSeedPath);
	if (url) {
		throw new DatabaseOpenError(
			`Unsupported database URL scheme "${url.split(":")[0]}:": use postgres://, postgresql:// or memory://, or leave it unset for the embedded database.`,
		);
	}
	const evalsHome = path.resolve(options.evalsHome ?? process.env.EVALS_HOME ?? "./.evals");
	return openPglite(path.join(evalsHome, "db"), options.seed ?? defaultSeedPath);
}

async function openPglite(dataDir: string | undefined, seedPath: string | false): Promise<Database> {
	const location = dataDir ? `pglite:${dataDir}` : "pglite:memory";
	let releaseLock: (() => Promise<void>) | undefined;
	if (dataDir) {
		await mkdir(dataDir, { recursive: true });
		releaseLock = await lockDataDir(dataDir);
	}
	let client: PGlite | undefined;
	let seeded = false;
	try {
		// Only memory or a directory PostgreSQL never initialised takes the seed; an existing one is never touched.
		const fresh = !dataDir || !(await exists(path.join(dataDir, "PG_VERSION")));
		const seedFile = fresh && seedPath ? await currentSeed(seedPath) : undefined;
		// On disk, the seed is unpacked into the data directory; in memory (or when tar cannot), PGlite loads it.
		const unpacked = seedFile !== undefined && dataDir !== undefined && (await unpackSeed(seedFile, dataDir));
		const seed = seedFile !== undefined && !unpacked ? await readSeed(seedFile) : undefined;
		seeded = unpacked || seed !== undefined;
		client = new PGlite(dataDir ?? "memory://", seed ? { loadDataDir: seed } : {});
		await client.waitReady;
		const db = drizzlePglite({ client, schema });
		const migrate = () => migratePglite(db, { migrationsFolder });
		await migrate();
		const opened = client;
		return {
			db: db as unknown as Db,
			kind: "pglite",
			location,
			migrate,
			seeded,
			close: once(async () => {
				try {
					await opened.close();
				} finally {
					await releaseLock?.();
				}
			}),
		};
	} catch (error) {
		await client?.close().catch(() => {});
		await releaseLock?.();
		throw new DatabaseOpenError(`Cannot open the embedded database at ${dataDir ?? "memory://"}: ${messageOf(error)}`, {
			cause: error,
		});
	}
}

/**
 * PGlite happily opens a data directory another process is using and both then corrupt it (it
 * has no postmaster.pid of its own), so the directory is guarded by a lock file holding the
 * owner's pid and host.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
	const lockPath = `${dataDir}.lock`;
	const me = { pid: process.pid, host: hostname() };
	for (let attempt = 0; attempt < 5; attempt++) {
		// Written aside and hard-linked into place, so nobody ever reads a half-written lock.
		const draft = `${lockPath}.${process.pid}.${attempt}.tmp`;
		await writeFile(draft, JSON.stringify(me));
		try {
			await link(draft, lockPath);
			return once(() => rm(lockPath, { force: true }));
		} catch (error) {
			if (!isErrno(error, "EEXIST")) throw error;
		} finally {
			await rm(draft, { force: true });
		}
		const owner = await readLockOwner(lockPath);
		if (owner && !isStale(owner)) {
			const who = owner.pid === process.pid && owner.host === me.host ? "this process" : `process ${owner.pid}`;
			throw new DatabaseOpenError(
				`The embedded database at ${dataDir} is in use by ${who} on ${owner.host}; PGlite allows one process at a time. ` +
					`Stop the other evals process, use another EVALS_HOME, or set DATABASE_URL to share a PostgreSQL server. ` +
					`If no such process exists, delete ${lockPath}.`,
			);
		}
		// Stale lock: move it aside atomically so two processes cannot both take it over.
		await rename(lockPath, `${lockPath}.stale-${process.pid}-${attempt}`).then(
			(_) => rm(`${lockPath}.stale-${process.pid}-${attempt}`, { force: true }),
			(error: unknown) => {
				if (!isErrno(error, "ENOENT")) throw error;
			},
		);
	}
	throw new DatabaseOpenError(`Cannot take the lock ${lockPath}: it keeps changing hands.`);
}

async function readLockOwner(lockPath: string): Promise<{ pid: number; host: string } | undefined> {
	try {
		const parsed: unknown = JSON.parse(await readFile(lockPath, "utf8"));
		if (typeof parsed === "object" && parsed !== null && "pid" in parsed && "host" in parsed) {
			const { pid, host } = parsed;
			if (typeof pid === "number" && typeof host === "string") return { pid, host };
		}
	} catch (error) {
		if (isErrno(error, "ENOENT")) return undefined;
	}
	// Unreadable or garbled: no process can be shown to own it.
	return { pid: 0, host: hostname() };
}

function isStale(owner: { pid: number; host: string }): boolean {
	// A lock from another host cannot be checked; assume it is live rather than risk corruption.
	if (owner.host !== hostname()) return false;
	if (owner.pid <= 0) return true;
	try {
		process.kill(owner.pid, 0);
		return false;
	} catch (error) {
		return !isErrno(error, "EPERM");
	}
}

async function exists(file: string): Promise<boolean> {
	return access(file).then(
		() => true,
		() => false,
	);
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
	const target = describePostgresUrl(url);
	// Loaded only for a server: a command on the embedded database starts without them.
	const [{ default: pg }, { drizzle: drizzlePg }, { migrate: migratePg }] = await Promise.all([
		import("pg"),
		import("drizzle-orm/node-postgres"),
		import("drizzle-orm/node-postgres/migrator"),
	]);
	const pool = new pg.Pool({
		connectionString: url,
		max: options.maxConnections ?? 10,
		connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
	});
	// An idle client that loses its server emits "error" on the pool; unhandled, that kills the
	// process. The pool drops such clients itself and the next query reports any real outage.
	pool.on("error", () => {});
	const db = drizzlePg({ client: pool, schema });
	const migrate = async () => {
		const client = await pool.connect();
		let failed: unknown;
		try {
			// drizzle's migrator is not safe against itself: two openers could both run "CREATE SCHEMA
			// IF NOT EXISTS" or the same migration. Serialize them across processes.
			await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
			await migratePg(drizzlePg({ client, schema }), { migrationsFolder });
			await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
		} catch (error) {
			failed = error;
			throw error;
		} finally {
			// After a failure the session may still hold the lock (or be broken): destroying the
			// connection frees it, where returning it to the pool would keep others waiting forever.
			client.release(failed !== undefined);
		}
	};
	try {
		await migrate();
	} catch (error) {
		await pool.end().catch(() => {});
		throw new DatabaseOpenError(postgresErrorMessage(error, target), { cause: error });
	}
	return {
		db: db as unknown as Db,
		kind: "postgres",
		location: target.display,
		migrate,
		seeded: false,
		close: once(() => pool.end()),
	};
}

interface PostgresTarget {
	host: string;
	port: string;
	database: string;
	user: string;
	secrets: string[];
	display: string;
}

function describePostgresUrl(url: string): PostgresTarget {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		// Not echoed: an unparsable URL cannot be reliably stripped of its password.
		throw new DatabaseOpenError("DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/db).");
	}
	const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
	const port = parsed.port || "5432";
	const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(default)";
	const user = decodeURIComponent(parsed.username) || "(default user)";
	const secrets = [parsed.password, safeDecode(parsed.password)].filter((s) => s.length > 0);
	const display = `postgres://${parsed.username ? `${parsed.username}@` : ""}${parsed.host || host}${parsed.pathname}`;
	return { host, port, database, user, secrets, display };
}

function postgresErrorMessage(error: unknown, target: PostgresTarget): string {
	const where = `PostgreSQL at ${target.host}:${target.port}, database "${target.database}", user "${target.user}"`;
	// drizzle wraps driver errors ("Failed query: …") with the pg error as the cause.
	const root = error instanceof Error && error.cause instanceof Error && !("code" in error) ? error.cause : error;
	const code = typeof root === "object" && root !== null && "code" in root ? String(root.code) : "";
	const reasons: Record<string, string> = {
		ECONNREFUSED: "connection refused (is the server running and listening on that port?)",
		ENOTFOUND: "host not found",
		EAI_AGAIN: "host name lookup failed",
		ETIMEDOUT: "connection timed out",
		EHOSTUNREACH: "host unreachable",
		"28P01": "password authentication failed",
		"28000": `access rejected: ${messageOf(root)}`,
		"3D000": "the database does not exist (create it, or fix the name)",
	};
	let reason = reasons[code] ?? messageOf(root);
	if (/timeout exceeded when trying to connect/i.test(reason)) reason = "connection timed out";
	for (const secret of target.secrets) reason = reason.split(secret).join("***");
	const connecting =
		code.startsWith("28") || code === "3D000" || code.startsWith("E") || reason === "connection timed out";
	return connecting ? `Cannot connect to ${where}: ${reason}. Check DATABASE_URL.` : `Cannot use ${where}: ${reason}.`;
}

function messageOf(error: unknown): string {
	if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
	if (error instanceof Error) return error.message || error.constructor.name;
	return String(error);
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

function isErrno(error: unknown, code: string): boolean {
	return typeof error === "object" && error !== null && "code" in error && error.code === code;
}

function once(fn: () => Promise<void>): () => Promise<void> {
	let done: Promise<void> | undefined;
	return () => {
		done ??= fn();
		return done;
	};
}
