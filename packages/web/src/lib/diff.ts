export type DiffLineKind = "file" | "meta" | "hunk" | "add" | "del" | "context" | "note";

export interface DiffLine {
	kind: DiffLineKind;
	text: string;
}

export interface DiffFileStat {
	path: string;
	additions: number;
	deletions: number;
}

export interface ParsedDiff {
	lines: DiffLine[];
	files: DiffFileStat[];
	additions: number;
	deletions: number;
}

function pathFromHeader(line: string): string {
	// "+++ b/src/main.py" or "+++ /dev/null"; timestamps may follow a tab.
	const raw = line.slice(4).split("\t")[0]?.trim() ?? "";
	return raw.replace(/^[ab]\//, "");
}

/**
 * Classifies the lines of a unified diff (git or plain `diff -u`) for colouring, and counts
 * changes per file. Header lines inside a hunk are not mistaken for changes because hunk
 * lengths are tracked.
 */
export function parseUnifiedDiff(text: string | null | undefined): ParsedDiff {
	const lines: DiffLine[] = [];
	const files: DiffFileStat[] = [];
	let current: DiffFileStat | null = null;
	let oldLeft = 0;
	let newLeft = 0;
	let pendingOldPath = "";
	if (!text) return { lines, files, additions: 0, deletions: 0 };

	for (const line of text.replace(/\n$/, "").split("\n")) {
		const inHunk = oldLeft > 0 || newLeft > 0;
		if (inHunk) {
			if (line.startsWith("+")) {
				lines.push({ kind: "add", text: line });
				newLeft--;
				if (current) current.additions++;
				continue;
			}
			if (line.startsWith("-")) {
				lines.push({ kind: "del", text: line });
				oldLeft--;
				if (current) current.deletions++;
				continue;
			}
			if (line.startsWith(" ") || line === "") {
				lines.push({ kind: "context", text: line });
				oldLeft--;
				newLeft--;
				continue;
			}
			if (line.startsWith("\\")) {
				lines.push({ kind: "note", text: line });
				continue;
			}
			// Anything else ends the hunk early (a truncated diff); classify it afresh below.
			oldLeft = 0;
			newLeft = 0;
		}
		if (line.startsWith("\\")) {
			lines.push({ kind: "note", text: line });
			continue;
		}
		const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
		if (hunk) {
			oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
			newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
			lines.push({ kind: "hunk", text: line });
			continue;
		}
		if (line.startsWith("diff ")) {
			lines.push({ kind: "file", text: line });
			current = null;
			continue;
		}
		if (line.startsWith("--- ")) {
			pendingOldPath = pathFromHeader(line);
			lines.push({ kind: "meta", text: line });
			continue;
		}
		if (line.startsWith("+++ ")) {
			const newPath = pathFromHeader(line);
			current = { path: newPath === "/dev/null" ? pendingOldPath : newPath, additions: 0, deletions: 0 };
			files.push(current);
			lines.push({ kind: "meta", text: line });
			continue;
		}
		lines.push({ kind: "meta", text: line });
	}
	const additions = files.reduce((sum, file) => sum + file.additions, 0);
	const deletions = files.reduce((sum, file) => sum + file.deletions, 0);
	return { lines, files, additions, deletions };
}

/**
 * Colours the diff a tool call carries: Roo-style SEARCH/REPLACE blocks (search side removed,
 * replace side added) or unified-diff-like lines.
 */
export function classifyToolDiff(text: string): DiffLine[] {
	let side: "search" | "replace" | null = null;
	return text.split("\n").map((line): DiffLine => {
		if (/^<{5,}\s*SEARCH/.test(line)) {
			side = "search";
			return { kind: "hunk", text: line };
		}
		if (/^={5,}\s*$/.test(line) && side === "search") {
			side = "replace";
			return { kind: "hunk", text: line };
		}
		if (/^>{5,}\s*REPLACE/.test(line)) {
			side = null;
			return { kind: "hunk", text: line };
		}
		if (side === "search" && (line.startsWith(":start_line:") || line.startsWith(":end_line:") || line === "-------")) {
			return { kind: "meta", text: line };
		}
		if (side === "search") return { kind: "del", text: line };
		if (side === "replace") return { kind: "add", text: line };
		if (line.startsWith("@@")) return { kind: "hunk", text: line };
		if (line.startsWith("+")) return { kind: "add", text: line };
		if (line.startsWith("-")) return { kind: "del", text: line };
		return { kind: "context", text: line };
	});
}
