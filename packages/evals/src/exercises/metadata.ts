import path from "node:path";
import { z } from "zod";
import { readTextIfExists, safeRelative } from "./files.js";

/** What we use of `.meta/config.json` (ours and Exercism's share the `files` block). */
export interface MetaConfig {
	difficulty?: string;
	solution?: string[];
	test?: string[];
	example?: string[];
	/** Exercism's read-only support files (Go's cases_test.go): protected like tests. */
	editor?: string[];
	/** Exercism's files whose change invalidates a solution (go.mod, build.gradle): build configuration. */
	invalidator?: string[];
}

const pathList = z.array(z.string());
const difficulty = z.union([z.string(), z.number()]).transform(String);

/**
 * Reads `.meta/config.json` field by field, so one bad field costs only that field: each problem
 * becomes a warning and the field is treated as absent (the loader then falls back to naming
 * conventions for it). Returns undefined when the file does not exist or is not a JSON object.
 */
export async function readMetaConfig(file: string, warn: (message: string) => void): Promise<MetaConfig | undefined> {
	const text = await readTextIfExists(file);
	if (text === undefined) return undefined;
	const shown = path.basename(path.dirname(file)) + "/" + path.basename(file);
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (error) {
		warn(`${shown} is not valid JSON (${(error as Error).message}); using naming conventions`);
		return undefined;
	}
	if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
		warn(`${shown} is not a JSON object; using naming conventions`);
		return undefined;
	}
	const record = raw as Record<string, unknown>;
	const config: MetaConfig = {};
	if (record.difficulty !== undefined) {
		const parsed = difficulty.safeParse(record.difficulty);
		if (parsed.success) config.difficulty = parsed.data;
		else warn(`${shown}: "difficulty" is neither a string nor a number; ignored`);
	}
	const files = record.files;
	if (files === undefined) return config;
	if (typeof files !== "object" || files === null || Array.isArray(files)) {
		warn(`${shown}: "files" is not an object; using naming conventions`);
		return config;
	}
	for (const key of ["solution", "test", "example", "editor", "invalidator"] as const) {
		const value = (files as Record<string, unknown>)[key];
		if (value === undefined) continue;
		const parsed = pathList.safeParse(value);
		if (!parsed.success) {
			warn(`${shown}: "files.${key}" is not a list of paths; ignored`);
			continue;
		}
		const safe: string[] = [];
		for (const entry of parsed.data) {
			const relative = safeRelative(entry);
			if (relative === undefined) warn(`${shown}: "files.${key}" entry "${entry}" leaves the exercise; ignored`);
			else safe.push(relative);
		}
		config[key] = safe;
	}
	return config;
}
