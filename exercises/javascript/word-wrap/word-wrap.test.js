import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { wrap } from "./word-wrap.js";

describe("wrap (left)", () => {
	test("greedy filling", () => {
		assert.equal(wrap("The quick brown fox jumps over the lazy dog", 10), "The quick\nbrown fox\njumps over\nthe lazy\ndog");
	});

	test("text that fits stays on one line", () => {
		assert.equal(wrap("hello world", 11), "hello world");
		assert.equal(wrap("hello world", 100), "hello world");
		assert.equal(wrap("hello world", 10), "hello\nworld");
	});

	test("empty and blank input", () => {
		assert.equal(wrap("", 5), "");
		assert.equal(wrap(" \t\n\r\n  \n", 5), "");
	});

	test("collapses whitespace inside a paragraph", () => {
		assert.equal(wrap("  alpha\t\tbeta\r\n   gamma \f delta\vepsilon  ", 80), "alpha beta gamma delta epsilon");
		assert.equal(wrap("one\ntwo\nthree", 9), "one two\nthree");
	});

	test("paragraphs", () => {
		const text = "\n\nfirst para\ngoes here\n\n \t \n\n\nsecond para\n\n";
		assert.equal(wrap(text, 10), "first para\ngoes here\n\nsecond\npara");
	});

	test("breaks words longer than the width", () => {
		assert.equal(wrap("a verylongword b", 4), "a\nvery\nlong\nword\nb");
		assert.equal(wrap("a verylongwor b", 4), "a\nvery\nlong\nwor\nb");
		assert.equal(wrap("a verylongwo b", 4), "a\nvery\nlong\nwo b");
		assert.equal(wrap("abcdefgh", 4), "abcd\nefgh");
		assert.equal(wrap("x abcdefghi yz", 3), "x\nabc\ndef\nghi\nyz");
	});

	test("width of one", () => {
		assert.equal(wrap("ab c", 1), "a\nb\nc");
	});

	test("counts code points, not UTF-16 units", () => {
		assert.equal(wrap("😀😀 😀😀", 5), "😀😀 😀😀");
		assert.equal(wrap("日本語 テキスト です", 7), "日本語\nテキスト です");
		assert.equal(wrap("😀😀😀😀😀", 2), "😀😀\n😀😀\n😀");
		assert.equal(wrap("éé ü", 4), "éé ü");
	});

	test("no-break space belongs to the word", () => {
		assert.equal(wrap("10\u00a0kg of rice", 6), "10\u00a0kg\nof\nrice");
	});

	test("no line is longer than the width", () => {
		const words = [];
		for (let i = 0; i < 300; i++) words.push("x".repeat(1 + ((i * 7) % 13)));
		const text = words.join(" ");
		for (const width of [1, 3, 5, 8, 12, 20]) {
			const lines = wrap(text, width).split("\n");
			for (const line of lines) {
				assert.ok(line.length <= width, `${JSON.stringify(line)} > ${width}`);
				assert.equal(line, line.trim());
				assert.notEqual(line, "");
			}
			assert.equal(lines.join("").replaceAll(" ", ""), words.join(""));
		}
	});
});

describe("wrap (justify)", () => {
	test("pads inner lines to the width", () => {
		assert.equal(wrap("one two three four five six", 12, { align: "justify" }), "one      two\nthree   four\nfive six");
	});

	test("extra spaces go to the leftmost gaps", () => {
		assert.equal(wrap("a b c d eeeeeeeeee", 9, { align: "justify" }), "a  b  c d\neeeeeeeee\ne");
		assert.equal(wrap("aa b cc dd e", 9, { align: "justify" }), "aa  b  cc\ndd e");
	});

	test("last line of each paragraph and single-word lines stay left", () => {
		const text = "lorem ipsum dolor sit amet\n\nconsectetur adipiscing elit";
		assert.equal(
			wrap(text, 11, { align: "justify" }),
			"lorem ipsum\ndolor   sit\namet\n\nconsectetur\nadipiscing\nelit",
		);
	});

	test("justified lines have exactly the width", () => {
		const text = "It was the best of times it was the worst of times it was the age of wisdom it was the age of foolishness";
		const lines = wrap(text, 16, { align: "justify" }).split("\n");
		for (const line of lines.slice(0, -1)) {
			if (line.includes(" ")) assert.equal(line.length, 16, JSON.stringify(line));
		}
		assert.equal(lines.join(" ").split(/ +/).join(" "), text);
	});
});

describe("validation", () => {
	test("invalid width", () => {
		for (const width of [0, -1, 2.5, "10", Number.NaN, Number.POSITIVE_INFINITY, null, undefined]) {
			assert.throws(() => wrap("abc", width), RangeError, String(width));
		}
	});

	test("invalid align", () => {
		assert.throws(() => wrap("abc", 3, { align: "center" }), RangeError);
		assert.equal(wrap("a b", 3, {}), "a b");
	});

	test("non-string text", () => {
		assert.throws(() => wrap(null, 3), TypeError);
		assert.throws(() => wrap(42, 3), TypeError);
	});
});

test("large input", () => {
	const text = "lorem ipsum dolor sit amet ".repeat(20000);
	const out = wrap(text, 80);
	const lines = out.split("\n");
	assert.ok(lines.every((l) => l.length <= 80));
	assert.equal(out.replaceAll("\n", " "), text.trim());
});
