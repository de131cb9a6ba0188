import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client.js";

/** What a query needs to run: the database or a transaction on it. */
export type Executor = Pick<Db, "select" | "insert" | "update" | "delete">;

/** A numeric SQL expression read back as a JS number (PostgreSQL returns bigint sums as strings). */
export const number = (expression: SQL) => sql<number>`${expression}`.mapWith(Number);

// PostgreSQL takes at most 65535 bind parameters per statement; rows have up to ~5 here.
export const INSERT_CHUNK = 1000;

export function* chunks<T>(items: readonly T[], size = INSERT_CHUNK): Generator<T[]> {
	for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export function asArray<T>(value: T | readonly T[]): T[] {
	return Array.isArray(value) ? [...value] : [value as T];
}

/** A patch with nothing set: no statement is needed. */
export function isEmpty(patch: object): boolean {
	return Object.values(patch).every((v) => v === undefined);
}

export function must<T>(value: T | undefined, message: string): T {
	if (value === undefined) throw new Error(message);
	return value;
}
