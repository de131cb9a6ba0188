export class CsvError extends Error {
	constructor(message, line) {
		super(message);
		this.name = "CsvError";
		this.line = line;
	}
}

export function parseCSV(text, options = {}) {
	throw new Error("not implemented");
}

export function stringifyCSV(rows, options = {}) {
	throw new Error("not implemented");
}
