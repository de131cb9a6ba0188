/*
 * Cargo.toml is both the exercise's build configuration and the place a solution declares the
 * crates it uses. Grading keeps the exercise's manifest and takes only the dependency tables from
 * the workspace's (see protection.ts for the rule). TOML is read line by line at table headers,
 * which is all Cargo manifests of exercises use; a header inside a multi-line string or array
 * would be misread, and the worst that does is fail the build.
 */

interface Table {
	/** The header line as written ("" for the keys before the first header). */
	header: string;
	/** The lines after the header, up to the next one. */
	lines: string[];
}

/** `[dependencies]`, `[dependencies.regex]`, `[target.'cfg(unix)'.dependencies]` and the like. */
const DEPENDENCY_HEADER =
	/^\[\s*(target\s*\.\s*(?:'[^']*'|"[^"]*"|[\w.-]+)\s*\.\s*)?dependencies(\s*\.[^\]]+)?\s*\]\s*(#.*)?$/;
// A dependency that is not fetched from a registry: a local or git crate brings its own build script.
const NON_REGISTRY = /(^|[{,\s])(path|git)\s*=/;

function tables(manifest: string): Table[] {
	const result: Table[] = [{ header: "", lines: [] }];
	for (const line of manifest.split(/\r?\n/)) {
		if (/^\s*\[/.test(line)) result.push({ header: line.trim(), lines: [] });
		else result.at(-1)?.lines.push(line);
	}
	return result;
}

const isDependencyTable = (table: Table) => DEPENDENCY_HEADER.test(table.header);

/** A table's meaning for comparison: its header and its non-blank, non-comment lines, trimmed. */
function meaning(table: Table): string {
	const lines = table.lines.map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
	return [table.header, ...lines].join("\n");
}

export interface ManifestCheck {
	/** The manifest to grade with. */
	manifest: string;
	/** Whether the workspace's manifest changed more than its registry dependencies. */
	tampered: boolean;
}

/**
 * The exercise's manifest with the workspace's dependency tables. When the workspace's manifest
 * differs from the exercise's only in those tables (and they name registry crates only), it is
 * graded as it is; otherwise everything but the dependencies goes back to the exercise's.
 */
export function checkCargoManifest(pristine: string, current: string): ManifestCheck {
	const own = tables(pristine);
	const theirs = tables(current);
	const config = (list: Table[]) => list.filter((table) => !isDependencyTable(table)).map(meaning);
	const dependencies = theirs.filter(isDependencyTable);
	const nonRegistry = dependencies.some((table) => table.lines.some((line) => NON_REGISTRY.test(stripComment(line))));
	const sameConfig = JSON.stringify(config(own)) === JSON.stringify(config(theirs));
	if (sameConfig && !nonRegistry) return { manifest: current, tampered: false };

	const eol = pristine.includes("\r\n") ? "\r\n" : "\n";
	const kept = own.filter((table) => !isDependencyTable(table));
	const registryOnly = dependencies.map((table) => ({
		header: table.header,
		lines: table.lines.filter((line) => !NON_REGISTRY.test(stripComment(line))),
	}));
	const text = [...kept, ...registryOnly]
		.flatMap((table) => (table.header === "" ? table.lines : [table.header, ...table.lines]))
		.join(eol);
	return { manifest: text.endsWith(eol) ? text : `${text}${eol}`, tampered: true };
}

function stripComment(line: string): string {
	// Good enough for dependency lines: a '#' inside a quoted version string does not occur.
	const hash = line.indexOf("#");
	return hash === -1 ? line : line.slice(0, hash);
}
