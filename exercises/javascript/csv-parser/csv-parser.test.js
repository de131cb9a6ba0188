import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CsvError, parseCSV, stringifyCSV } from "./csv-parser.js";

function throwsCsv(fn, line) {
	assert.throws(fn, (err) => {
		assert.ok(err instanceof CsvError, `expected CsvError, got ${err}`);
		assert.equal(err.name, "CsvError");
		assert.equal(err.line, line);
		return true;
	});
}

describe("parseCSV records", () => {
	const cases = [
		["", []],
		["a,b", [["a", "b"]]],
		["a,b\n", [["a", "b"]]],
		["a\r\nb\r\n", [["a"], ["b"]]],
		["\n", [[""]]],
		["\n\n", [[""], [""]]],
		["a\n\nb", [["a"], [""], ["b"]]],
		["a,", [["a", ""]]],
		[",", [["", ""]]],
		["a\rb", [["a\rb"]]],
		["a\r", [["a\r"]]],
		[" a , b", [[" a ", " b"]]],
		["1,2,3\n4\n5,6", [["1", "2", "3"], ["4"], ["5", "6"]]],
		['ab"c,d', [['ab"c', "d"]]],
		[' "x",y', [[' "x"', "y"]]],
		["héllo,wörld,😀\n日本,語", [["héllo", "wörld", "😀"], ["日本", "語"]]],
	];
	for (const [text, expected] of cases) {
		test(JSON.stringify(text), () => {
			assert.deepEqual(parseCSV(text), expected);
		});
	}
});

describe("parseCSV quoted fields", () => {
	test("quotes protect delimiters and line breaks", () => {
		assert.deepEqual(parseCSV('"a,b","c\nd","e\r\nf","g\rh"\nnext'), [["a,b", "c\nd", "e\r\nf", "g\rh"], ["next"]]);
	});

	test("doubled quotes", () => {
		const text = 'name,quote\nAnn,"She said ""hi"", then left"\n';
		assert.deepEqual(parseCSV(text), [
			["name", "quote"],
			["Ann", 'She said "hi", then left'],
		]);
		assert.deepEqual(parseCSV('""""'), [['"']]);
		assert.deepEqual(parseCSV('"",""""""'), [["", '""']]);
	});

	test("empty quoted field keeps the record", () => {
		assert.deepEqual(parseCSV('""'), [[""]]);
		assert.deepEqual(parseCSV('a\n""\nb'), [["a"], [""], ["b"]]);
	});

	test("quoted field at end of text and before CRLF", () => {
		assert.deepEqual(parseCSV('x,"y"'), [["x", "y"]]);
		assert.deepEqual(parseCSV('"x"\r\n"y"\r\n'), [["x"], ["y"]]);
	});

	test("text after a closing quote is an error", () => {
		throwsCsv(() => parseCSV('"ab"c'), 1);
		throwsCsv(() => parseCSV('ok\n"a" ,b'), 2);
		throwsCsv(() => parseCSV('"multi\nline\nfield"x'), 3);
		throwsCsv(() => parseCSV('"a"\rb'), 1);
	});

	test("unterminated quote reports the opening line", () => {
		throwsCsv(() => parseCSV('x\n"open'), 2);
		throwsCsv(() => parseCSV('a,b\nc,"d\ne\nf'), 2);
		throwsCsv(() => parseCSV('"'), 1);
		throwsCsv(() => parseCSV('"abc""'), 1);
	});
});

describe("parseCSV options", () => {
	test("custom delimiter", () => {
		assert.deepEqual(parseCSV("a;b\n1;2", { delimiter: ";" }), [
			["a", "b"],
			["1", "2"],
		]);
		assert.deepEqual(parseCSV('a\t"b\tc"\td,e', { delimiter: "\t" }), [["a", "b\tc", "d,e"]]);
		throwsCsv(() => parseCSV('a\t"b\tc",d', { delimiter: "\t" }), 1);
		assert.deepEqual(parseCSV("a,b;c", { delimiter: ";" }), [["a,b", "c"]]);
	});

	test("invalid delimiter is a RangeError", () => {
		for (const delimiter of ["", ";;", '"', "\n", "\r", 5]) {
			assert.throws(() => parseCSV("a", { delimiter }), RangeError, JSON.stringify(delimiter));
		}
	});

	test("non-string text is a TypeError", () => {
		assert.throws(() => parseCSV(null), TypeError);
		assert.throws(() => parseCSV(["a,b"]), TypeError);
	});
});

describe("parseCSV header mode", () => {
	test("maps records to objects", () => {
		assert.deepEqual(parseCSV("id,name\n1,Ann\n2,\"Bo, Jr.\"\n", { header: true }), [
			{ id: "1", name: "Ann" },
			{ id: "2", name: "Bo, Jr." },
		]);
	});

	test("empty and header-only input", () => {
		assert.deepEqual(parseCSV("", { header: true }), []);
		assert.deepEqual(parseCSV("a,b\n", { header: true }), []);
	});

	test("field count mismatch reports the record's first line", () => {
		throwsCsv(() => parseCSV("a,b\n1,2\n3\n", { header: true }), 3);
		throwsCsv(() => parseCSV('a,b\n"x\ny",1,2\n', { header: true }), 2);
		throwsCsv(() => parseCSV('a,b\n"x\ny",1\n1,2,3', { header: true }), 4);
	});

	test("duplicate column names", () => {
		throwsCsv(() => parseCSV("a,b,a\n1,2,3", { header: true }), 1);
	});
});

describe("stringifyCSV", () => {
	test("quotes only where needed", () => {
		assert.equal(stringifyCSV([["a", "b,c"], ['say "hi"', ""]]), 'a,"b,c"\n"say ""hi""",');
		assert.equal(stringifyCSV([["line\nbreak", "cr\r", " spaced "]]), '"line\nbreak","cr\r", spaced ');
	});

	test("single empty field and empty input", () => {
		assert.equal(stringifyCSV([]), "");
		assert.equal(stringifyCSV([[""]]), '""');
		assert.equal(stringifyCSV([["a"], [""], ["", ""]]), 'a\n""\n,');
	});

	test("converts values", () => {
		assert.equal(stringifyCSV([[1, null, undefined, true, 2.5]]), "1,,,true,2.5");
	});

	test("custom delimiter", () => {
		assert.equal(stringifyCSV([["a;b", "c,d"]], { delimiter: ";" }), '"a;b";c,d');
		assert.throws(() => stringifyCSV([["a"]], { delimiter: "ab" }), RangeError);
	});

	test("invalid rows", () => {
		assert.throws(() => stringifyCSV("a,b"), TypeError);
		assert.throws(() => stringifyCSV(["a"]), TypeError);
		assert.throws(() => stringifyCSV([["a"], []]), RangeError);
	});

	test("round trip with random data", () => {
		let seed = 12345;
		const rand = (n) => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		const alphabet = ["a", "b", " ", ",", ";", '"', "\n", "\r", "é", "😀", "\t"];
		for (const delimiter of [",", ";", "\t"]) {
			for (let k = 0; k < 200; k++) {
				const rows = [];
				const nRows = rand(5);
				for (let r = 0; r < nRows; r++) {
					const row = [];
					const nFields = 1 + rand(4);
					for (let f = 0; f < nFields; f++) {
						let field = "";
						const len = rand(6);
						for (let c = 0; c < len; c++) field += alphabet[rand(alphabet.length)];
						row.push(field);
					}
					rows.push(row);
				}
				const text = stringifyCSV(rows, { delimiter });
				assert.deepEqual(parseCSV(text, { delimiter }), rows, JSON.stringify(text));
			}
		}
	});
});

test("large input", () => {
	const rows = [];
	for (let r = 0; r < 10000; r++) {
		rows.push([String(r), `name ${r}`, `"quoted, ${r}"`, "x".repeat(r % 50)]);
	}
	const text = stringifyCSV(rows);
	const parsed = parseCSV(text);
	assert.equal(parsed.length, 10000);
	assert.deepEqual(parsed[9999], rows[9999]);
	assert.deepEqual(parsed, rows);
});
