export class CsvError extends Error {
	constructor(message, line) {
		super(message);
		this.name = "CsvError";
		this.line = line;
	}
}

function delimiterOf(options) {
	const delimiter = options?.delimiter ?? ",";
	if (typeof delimiter !== "string" || delimiter.length !== 1 || '"\r\n'.includes(delimiter)) {
		throw new RangeError(`invalid delimiter ${JSON.stringify(delimiter)}`);
	}
	return delimiter;
}

function parseRecords(text, delimiter) {
	const records = []; // { fields, line }
	const n = text.length;
	let i = 0;
	let line = 1;
	while (i < n) {
		const record = { fields: [], line };
		for (;;) {
			// parse one field starting at i
			let field = "";
			if (text[i] === '"') {
				const openLine = line;
				i++;
				for (;;) {
					if (i >= n) throw new CsvError("unterminated quoted field", openLine);
					const ch = text[i];
					if (ch === '"') {
						if (text[i + 1] === '"') {
							field += '"';
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (ch === "\n") line++;
					field += ch;
					i++;
				}
				if (i < n && text[i] !== delimiter && text[i] !== "\n" && !(text[i] === "\r" && text[i + 1] === "\n")) {
					throw new CsvError("unexpected text after closing quote", line);
				}
			} else {
				const start = i;
				while (i < n && text[i] !== delimiter && text[i] !== "\n" && !(text[i] === "\r" && text[i + 1] === "\n")) {
					i++;
				}
				field = text.slice(start, i);
			}
			record.fields.push(field);
			if (i >= n) break;
			if (text[i] === delimiter) {
				i++;
				continue;
			}
			// line break
			i += text[i] === "\r" ? 2 : 1;
			line++;
			break;
		}
		records.push(record);
	}
	return records;
}

export function parseCSV(text, options = {}) {
	if (typeof text !== "string") throw new TypeError("text must be a string");
	const delimiter = delimiterOf(options);
	const records = parseRecords(text, delimiter);
	if (!options?.header) return records.map((r) => r.fields);
	if (records.length === 0) return [];
	const [head, ...rest] = records;
	if (new Set(head.fields).size !== head.fields.length) {
		throw new CsvError("duplicate column name", head.line);
	}
	return rest.map((r) => {
		if (r.fields.length !== head.fields.length) {
			throw new CsvError(`expected ${head.fields.length} fields, got ${r.fields.length}`, r.line);
		}
		return Object.fromEntries(head.fields.map((name, k) => [name, r.fields[k]]));
	});
}

export function stringifyCSV(rows, options = {}) {
	const delimiter = delimiterOf(options);
	if (!Array.isArray(rows)) throw new TypeError("rows must be an array");
	return rows
		.map((row) => {
			if (!Array.isArray(row)) throw new TypeError("each row must be an array");
			if (row.length === 0) throw new RangeError("a row needs at least one field");
			const fields = row.map((value) => (value === null || value === undefined ? "" : String(value)));
			if (fields.length === 1 && fields[0] === "") return '""';
			return fields
				.map((f) =>
					f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f,
				)
				.join(delimiter);
		})
		.join("\n");
}
