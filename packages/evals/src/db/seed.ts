import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";

const execFileAsync = promisify(execFile);

/*
 * A fresh embedded database spends seconds in PGlite's initdb before the first migration runs.
 * The build makes one migrated data directory ahead of time (a tarball, PGlite's own dump
 * format) and a fresh EVALS_HOME starts from a copy of it. The seed names the migrations it was
 * made from; one made from other migrations is ignored, and the migrations still run after a
 * seed, so a seed can make a start faster but never make a schema wrong.
 */

// Works from src/db (tests) and dist/db (the built CLI) alike: both are two levels below the package.
export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Where the build puts the seed: next to the compiled store, outside git (also read by tests running src/). */
export const defaultSeedPath = fileURLToPath(new URL("../../dist/db/pglite-seed.tar.gz", import.meta.url));

const manifestPathOf = (seedPath: string) => seedPath.replace(/\.tar\.gz$/, ".json");

/** One hash over every migration file, journal included: it changes whenever the schema's history does. */
export async function migrationsHash(folder = migrationsFolder): Promise<string> {
	const hash = createHash("sha256");
	const files = [
		...(await readdir(folder)).filter((name) => name.endsWith(".sql")).sort(),
		path.join("meta", "_journal.json"),
	];
	for (const file of files) {
		hash.update(file);
		hash.update(await readFile(path.join(folder, file)));
	}
	return hash.digest("hex");
}

/** Migrates a throwaway PGlite and dumps its data directory to `seedPath` with a manifest beside it. */
export async function writeSeed(seedPath = defaultSeedPath, folder = migrationsFolder): Promise<void> {
	const client = new PGlite("memory://");
	try {
		await migrate(drizzle({ client }), { migrationsFolder: folder });
		const dump = await client.dumpDataDir("gzip");
		// Written aside and renamed: a build killed halfway leaves no truncated seed behind.
		await writeFile(`${seedPath}.tmp`, Buffer.from(await dump.arrayBuffer()));
		await rename(`${seedPath}.tmp`, seedPath);
		await writeFile(manifestPathOf(seedPath), JSON.stringify({ migrations: await migrationsHash(folder) }));
	} finally {
		await client.close();
	}
}

/** The seed's path when there is one for these migrations, else undefined. */
export async function currentSeed(seedPath = defaultSeedPath, folder = migrationsFolder): Promise<string | undefined> {
	try {
		const manifest = JSON.parse(await readFile(manifestPathOf(seedPath), "utf8")) as { migrations?: unknown };
		if (manifest.migrations !== (await migrationsHash(folder))) return undefined;
		await access(seedPath);
		return seedPath;
	} catch {
		// No seed (a build without one, a partial copy): the start is slower, nothing else.
		return undefined;
	}
}

/** The seed as PGlite's `loadDataDir` takes it, or undefined when there is none for these migrations. */
export async function readSeed(seedPath = defaultSeedPath, folder = migrationsFolder): Promise<Blob | undefined> {
	const current = await currentSeed(seedPath, folder);
	return current === undefined ? undefined : new Blob([await readFile(current)]);
}

/**
 * Unpacks the seed into `dataDir` (which must be empty) with the system's tar: several times
 * faster than PGlite's `loadDataDir`, which unpacks into its in-memory file system and then
 * writes every file out. Unpacked aside and moved into place, so a crash halfway leaves no half
 * data directory. False when tar is missing or fails: the caller falls back to `loadDataDir`.
 */
export async function unpackSeed(seedPath: string, dataDir: string): Promise<boolean> {
	const aside = `${dataDir}.unpacking-${process.pid}`;
	try {
		await rm(aside, { recursive: true, force: true });
		await mkdir(aside, { recursive: true });
		// PGlite's archive names its members from "/": tar takes the leading slash off, as wanted.
		await execFileAsync("tar", ["-xzf", seedPath, "-C", aside]);
		await access(path.join(aside, "PG_VERSION"));
		await rmdir(dataDir);
		await rename(aside, dataDir);
		return true;
	} catch {
		await rm(aside, { recursive: true, force: true }).catch(() => {});
		await mkdir(dataDir, { recursive: true });
		return false;
	}
}
