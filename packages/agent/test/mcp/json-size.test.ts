import { describe, expect, it } from "vitest";
import { jsonSize } from "../../src/mcp/telemetry.js";

// A small seeded generator: the same values on every run, many shapes each time.
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1_664_525 + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

const ALPHABET = [
	'"',
	"\\",
	"\n",
	"\t",
	"\u0001",
	"\u001f",
	"a",
	"é",
	"漢",
	"😀",
	"\ud800",
	"\udc00",
	" ",
	"/",
	"\u2028",
];

function value(next: () => number, depth: number): unknown {
	const pick = Math.floor(next() * (depth > 3 ? 6 : 8));
	switch (pick) {
		case 0:
			return Array.from({ length: Math.floor(next() * 12) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(
				"",
			);
		case 1:
			return [0, -0, 1.5, -3, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, 123456789][Math.floor(next() * 9)];
		case 2:
			return next() < 0.5;
		case 3:
			return null;
		case 4:
			return undefined;
		case 5:
			return new Date(1_700_000_000_000 + Math.floor(next() * 1e9));
		case 6:
			return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
		default:
			return Object.fromEntries(
				Array.from({ length: Math.floor(next() * 4) }, (_, i) => [
					`k${i}${ALPHABET[i % ALPHABET.length]}`,
					value(next, depth + 1),
				]),
			);
	}
}

describe("jsonSize: the length of JSON.stringify without building the string", () => {
	it("agrees with JSON.stringify on every kind of value, escapes and lone surrogates included", () => {
		const next = random(20_261_204);
		for (let i = 0; i < 5_000; i++) {
			const sample = { args: value(next, 0), list: [value(next, 0), undefined, () => 1] };
			expect(jsonSize(sample), JSON.stringify(sample)).toBe(JSON.stringify(sample).length);
		}
	});

	it("measures a large answer", () => {
		const result = { content: [{ type: "text", text: `Echo: ${"x".repeat(100_000)}\n"quoted"` }] };
		expect(jsonSize(result)).toBe(JSON.stringify(result).length);
		expect(jsonSize(undefined)).toBe(0);
	});
});
