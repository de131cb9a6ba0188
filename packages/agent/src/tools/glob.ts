/*
 * A small glob matcher for search_files' file_pattern. Node 20's path.matchesGlob exists but is
 * experimental there and prints an ExperimentalWarning on first use, which would land in the
 * agent's output; the subset models actually write is small enough to translate to a RegExp.
 */

const REGEX_SPECIAL = /[.+^$()|[\]{}\\*?/]/;

/** Splits at commas that are not inside braces or brackets. */
function splitTopLevel(pattern: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let inClass = false;
	let current = "";
	for (let i = 0; i < pattern.length; i++) {
		const char = pattern.charAt(i);
		if (char === "\\" && i + 1 < pattern.length) {
			current += char + pattern.charAt(i + 1);
			i++;
			continue;
		}
		if (inClass) {
			if (char === "]") inClass = false;
		} else if (char === "[") {
			inClass = pattern.indexOf("]", i + 2) !== -1;
		} else if (char === "{") {
			depth++;
		} else if (char === "}" && depth > 0) {
			depth--;
		} else if (char === "," && depth === 0) {
			parts.push(current);
			current = "";
			continue;
		}
		current += char;
	}
	parts.push(current);
	return parts;
}

/** Index of the brace closing the one at `open`, or -1. */
function matchingBrace(pattern: string, open: number): number {
	let depth = 0;
	for (let i = open; i < pattern.length; i++) {
		const char = pattern.charAt(i);
		if (char === "\\") {
			i++;
		} else if (char === "{") {
			depth++;
		} else if (char === "}") {
			depth--;
			if (depth === 0) return i;
		}
	}
	return -1;
}

function toRegexSource(pattern: string): string {
	let source = "";
	for (let i = 0; i < pattern.length; i++) {
		const char = pattern.charAt(i);
		if (char === "\\" && i + 1 < pattern.length) {
			const next = pattern.charAt(i + 1);
			source += REGEX_SPECIAL.test(next) ? `\\${next}` : next;
			i++;
		} else if (char === "*") {
			if (pattern.charAt(i + 1) === "*") {
				const atSegmentStart = i === 0 || pattern.charAt(i - 1) === "/";
				if (atSegmentStart && pattern.charAt(i + 2) === "/") {
					// "**/" also matches no directory at all: "**/a.ts" matches "a.ts".
					source += "(?:[^/]*/)*";
					i += 2;
				} else {
					source += ".*";
					i += 1;
				}
			} else {
				source += "[^/]*";
			}
		} else if (char === "?") {
			source += "[^/]";
		} else if (char === "[") {
			const close = pattern.indexOf("]", i + 2);
			if (close === -1) {
				source += "\\[";
				continue;
			}
			let body = pattern.slice(i + 1, close);
			const negated = body.startsWith("!") || body.startsWith("^");
			if (negated) body = body.slice(1);
			source += `[${negated ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
			i = close;
		} else if (char === "{") {
			const close = matchingBrace(pattern, i);
			if (close === -1) {
				source += "\\{";
				continue;
			}
			const alternatives = splitTopLevel(pattern.slice(i + 1, close)).map(toRegexSource);
			source += `(?:${alternatives.join("|")})`;
			i = close;
		} else {
			source += REGEX_SPECIAL.test(char) ? `\\${char}` : char;
		}
	}
	return source;
}

/** Translates one glob (`*`, `?`, `**`, `[abc]`, `{a,b}`) to an anchored RegExp over "/"-separated paths. */
export function globToRegExp(glob: string): RegExp {
	return new RegExp(`^${toRegexSource(glob)}$`);
}

/**
 * Builds a matcher for a file_pattern. A pattern without "/" is tried against the file name alone
 * (as ripgrep's --glob does, so "*.ts" finds files at any depth); one with "/" against the path
 * relative to the searched directory. "*.ts, *.tsx" is read as "{*.ts,*.tsx}", a form models
 * often use.
 */
export function compileFilePattern(pattern: string): (relativePath: string) => boolean {
	const matchers = splitTopLevel(pattern)
		.map((part) => part.trim().replace(/^\.\//, ""))
		.filter((part) => part !== "")
		.map((part) => {
			const regex = globToRegExp(part);
			const againstPath = part.includes("/");
			return (relativePath: string) => {
				const name = relativePath.slice(relativePath.lastIndexOf("/") + 1);
				return regex.test(againstPath ? relativePath : name);
			};
		});
	return (relativePath) => matchers.some((matches) => matches(relativePath));
}
