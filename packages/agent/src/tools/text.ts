/** A text file taken apart into lines, with what is needed to put it back together unchanged. */
export interface SplitText {
	lines: string[];
	/** The file's dominant line ending; "\n" when it has none. */
	eol: "\n" | "\r\n";
	/** Whether the last line ended with a line break. */
	finalNewline: boolean;
	/** Whether the text started with a UTF-8 byte order mark (kept out of `lines`). */
	bom: boolean;
}

/**
 * Splits text into lines the way an editor counts them: a trailing line break does not start an
 * extra empty line. Every tool uses this, so line numbers agree between read_file, search_files
 * and apply_diff.
 */
export function splitText(text: string): SplitText {
	const bom = text.startsWith("\uFEFF");
	const body = bom ? text.slice(1) : text;
	const crlf = body.match(/\r\n/g)?.length ?? 0;
	const lf = body.match(/\n/g)?.length ?? 0;
	const eol = crlf > 0 && crlf >= lf - crlf ? "\r\n" : "\n";
	if (body === "") return { lines: [], eol, finalNewline: false, bom };
	const lines = body.split(/\r?\n/);
	const finalNewline = lines.length > 1 && lines[lines.length - 1] === "";
	if (finalNewline) lines.pop();
	return { lines, eol, finalNewline, bom };
}

export function joinText(split: SplitText): string {
	if (split.lines.length === 0) return split.bom ? "\uFEFF" : "";
	return (split.bom ? "\uFEFF" : "") + split.lines.join(split.eol) + (split.finalNewline ? split.eol : "");
}

/** Number of lines as an editor shows them ("a\nb\n" has 2). */
export function countLines(text: string): number {
	return splitText(text).lines.length;
}

/** "12 | text", the line format every tool shows and the model is told to expect. */
export function numberedLine(lineNumber: number, text: string): string {
	return `${lineNumber} | ${text}`;
}

const LINE_NUMBER_PREFIX = /^\s*\d+ \| ?/;

export function stripLineNumberPrefix(line: string): string {
	return line.replace(LINE_NUMBER_PREFIX, "");
}

/**
 * Models sometimes paste read_file output, numbers included, back into a file or a diff. When every
 * non-blank line carries a "12 | " prefix and the numbers go up, they are ours, not the file's, and
 * are removed. Returns undefined when the lines do not look like that.
 */
export function stripLineNumbersIfAll(lines: string[]): string[] | undefined {
	let previous = 0;
	let numbered = 0;
	for (const line of lines) {
		if (line.trim() === "") continue;
		const match = LINE_NUMBER_PREFIX.exec(line);
		if (!match) return undefined;
		const value = Number.parseInt(match[0], 10);
		if (value <= previous) return undefined;
		previous = value;
		numbered++;
	}
	if (numbered === 0) return undefined;
	return lines.map((line) => line.replace(LINE_NUMBER_PREFIX, ""));
}

/** Keeps the start and the end of a long text, with a marker saying how much was left out. */
export function truncateMiddle(text: string, maxChars: number): string {
	if (text.length <= maxChars) return text;
	const headSize = Math.ceil(maxChars / 2);
	const tailSize = Math.floor(maxChars / 2);
	const omitted = text.length - headSize - tailSize;
	return `${text.slice(0, headSize)}\n[… ${omitted} characters omitted …]\n${text.slice(text.length - tailSize)}`;
}

/**
 * Collects a stream of text of unknown length in bounded memory: the first half of the budget is
 * kept as it arrives, then only the most recent tail. Errors usually show at the end of a build or
 * test run and the command line at the start, so both ends matter.
 */
export class HeadTailBuffer {
	private head = "";
	private tail = "";
	private omitted = 0;
	private readonly headMax: number;
	private readonly tailMax: number;

	constructor(maxChars: number) {
		this.headMax = Math.ceil(maxChars / 2);
		this.tailMax = Math.floor(maxChars / 2);
	}

	append(text: string): void {
		let rest = text;
		if (this.head.length < this.headMax) {
			const room = this.headMax - this.head.length;
			this.head += rest.slice(0, room);
			rest = rest.slice(room);
		}
		if (rest === "") return;
		const combined = this.tail + rest;
		if (combined.length > this.tailMax) {
			this.omitted += combined.length - this.tailMax;
			this.tail = combined.slice(combined.length - this.tailMax);
		} else {
			this.tail = combined;
		}
	}

	toString(): string {
		if (this.omitted === 0) return this.head + this.tail;
		return `${this.head}\n[… ${this.omitted} characters omitted …]\n${this.tail}`;
	}
}

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and lone two-byte escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal control bytes is the point
const TERMINAL_ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/**
 * Makes terminal output readable as plain text: escape sequences are dropped, and a line redrawn
 * with carriage returns (progress bars) keeps only its final state. Saves the model many tokens.
 */
export function cleanTerminalOutput(text: string): string {
	return text
		.replace(TERMINAL_ESCAPES, "")
		.split("\n")
		.map((line) => {
			const withoutCr = line.endsWith("\r") ? line.slice(0, -1) : line;
			const lastCr = withoutCr.lastIndexOf("\r");
			return lastCr === -1 ? withoutCr : withoutCr.slice(lastCr + 1);
		})
		.join("\n");
}
