import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Language } from "./types.js";

/*
 * Exercism ships most tests switched off so a student meets them one at a time; a grade must run
 * all of them. Each rule removes only the marker and keeps everything else byte for byte (line
 * endings included), so a restored, unskipped file differs from the pristine one only there.
 * Only pending-test markers go (Rust #[ignore], Java @Disabled/@Ignore, JS xtest/xit/test.skip/
 * it.skip, Python @pytest.mark.skip/@unittest.skip, and a Go t.Skip that opens a test function);
 * conditional skips stay, because they protect the test's own logic.
 * C++ needs no text change: its runner defines EXERCISM_RUN_ALL_TESTS, which the tests test for.
 */

interface Line {
	text: string;
	eol: string;
}

function splitLines(source: string): Line[] {
	const parts = source.split(/(\r?\n)/);
	const lines: Line[] = [];
	for (let index = 0; index < parts.length; index += 2) {
		lines.push({ text: parts[index] ?? "", eol: parts[index + 1] ?? "" });
	}
	return lines;
}

function joinLines(lines: Line[]): string {
	return lines.map((line) => line.text + line.eol).join("");
}

/** Removes `pattern` from each line; a line left blank by the removal goes entirely. */
function removeFromLines(source: string, pattern: RegExp): string {
	const out: Line[] = [];
	for (const line of splitLines(source)) {
		const replaced = line.text.replace(pattern, "");
		if (replaced !== line.text && replaced.trim() === "") continue;
		out.push({ text: replaced, eol: line.eol });
	}
	return joinLines(out);
}

/** Drops whole statements/decorators that start on a matching line, following open parentheses. */
function removeStatements(source: string, start: RegExp): string {
	const lines = splitLines(source);
	const out: Line[] = [];
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index];
		if (line === undefined) continue;
		if (!start.test(line.text)) {
			out.push(line);
			continue;
		}
		let depth = parenthesisBalance(line.text);
		while (depth > 0 && index + 1 < lines.length) {
			index++;
			depth += parenthesisBalance(lines[index]?.text ?? "");
		}
	}
	return joinLines(out);
}

function parenthesisBalance(text: string): number {
	let depth = 0;
	let quote: string | undefined;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (quote) {
			if (char === "\\") index++;
			else if (char === quote) quote = undefined;
		} else if (char === '"' || char === "'") quote = char;
		else if (char === "#") break;
		else if (char === "(") depth++;
		else if (char === ")") depth--;
	}
	return depth;
}

const JS_X_PREFIX = /(^|[^.\w$])x(test|it|describe)\b(?=\s*[.(])/g;
const JS_DOT_SKIP = /(^|[^.\w$])(test|it|describe)\.skip\b/g;
const JAVA_ANNOTATION =
	/@(?:org\.junit\.(?:jupiter\.api\.)?)?(?:Disabled|Ignore)\b(?:\s*\((?:[^()"]|"(?:[^"\\]|\\.)*")*\))?\s*/g;
// Unconditional only: skipIf/skipif/skipUnless guard the test's own assumptions and stay.
const PYTHON_SKIP = /^\s*@(?:(?:unittest|pytest\.mark)\.)?skip\b/;
const RUST_IGNORE = /#\[ignore(?:\s*=\s*"(?:[^"\\]|\\.)*")?\]\s*/g;
const GO_TEST_FUNC = /^\s*func\s+Test\w*\s*\(\s*(\w+)\s+\*testing\.T\s*\)\s*\{\s*(\/\/.*)?$/;
const goSkip = (receiver: string) => new RegExp(`^\\s*${receiver}\\.Skip(?:f|Now)?\\(.*\\)\\s*;?\\s*(\\/\\/.*)?$`);

/**
 * Go has no pending-test marker: a `t.Skip` is usually a condition of the test's own logic
 * (`if tc.n2 == nil { t.Skip(…) }` in a table test), and removing that one turns a correct
 * solution into a nil-pointer panic. So only skips that open a test function, before any other
 * statement, are removed: they skip the whole test whatever happens, which is what a pending
 * marker does.
 */
function removeLeadingGoSkips(source: string): string {
	const lines = splitLines(source);
	const out: Line[] = [];
	let skip: RegExp | undefined;
	for (const line of lines) {
		if (skip !== undefined) {
			const text = line.text.trim();
			if (skip.test(line.text)) continue;
			if (text !== "" && !text.startsWith("//")) skip = undefined;
		}
		out.push(line);
		const header = GO_TEST_FUNC.exec(line.text);
		if (header?.[1] !== undefined) skip = goSkip(header[1]);
	}
	return joinLines(out);
}

/** The source with its language's skip markers removed (`.todo` tests are left alone). */
export function unskipSource(language: Language, source: string): string {
	switch (language) {
		case "javascript":
		case "typescript":
			return source.replace(JS_X_PREFIX, "$1$2").replace(JS_DOT_SKIP, "$1$2");
		case "java":
			return removeFromLines(source, JAVA_ANNOTATION);
		case "python":
			return removeStatements(source, PYTHON_SKIP);
		case "rust":
			return removeFromLines(source, RUST_IGNORE);
		case "go":
			return removeLeadingGoSkips(source);
		case "cpp":
			return source;
	}
}

/**
 * Removes skip markers from the test files of a workspace in place. Returns the files it changed.
 * Files that do not exist are left to `restoreTests`, which should run first.
 */
export async function unskipTests(language: Language, workspace: string, testFiles: string[]): Promise<string[]> {
	const changed: string[] = [];
	for (const file of testFiles) {
		const target = path.join(workspace, file);
		let source: string;
		try {
			source = await readFile(target, "utf8");
		} catch {
			continue;
		}
		const unskipped = unskipSource(language, source);
		if (unskipped === source) continue;
		await writeFile(target, unskipped);
		changed.push(file);
	}
	return changed;
}
