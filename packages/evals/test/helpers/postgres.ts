import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server CI starts (scripts/services.sh); tests that need it skip when it is unset. */
export const databaseUrl = process.env.DATABASE_URL;
export const redisUrl = process.env.REDIS_URL;

/**
 * Scratch databases on the DATABASE_URL server, one per test file run, so parallel test files
 * never see each other's rows. `drop()` removes every one this instance made.
 */
export function scratchDatabases() {
	const created: string[] = [];
	const withAdmin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
		const client = new pg.Client({ connectionString: databaseUrl });
		await client.connect();
		try {
			return await fn(client);
		} finally {
			await client.end();
		}
	};
	return {
		async create(): Promise<string> {
			const name = `agent_evals_t_${process.pid}_${randomBytes(4).toString("hex")}`;
			await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
			created.push(name);
			const url = new URL(databaseUrl ?? "");
			url.pathname = `/${name}`;
			return url.toString();
		},
		async drop(): Promise<void> {
			if (created.length === 0) return;
			await withAdmin(async (client) => {
				for (const name of created.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			});
		},
	};
}
