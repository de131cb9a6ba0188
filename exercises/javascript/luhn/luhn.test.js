import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkDigit, isValid } from "./luhn.js";

describe("isValid", () => {
	const cases = [
		["4539 3195 0343 6467", true],
		["8273 1232 7352 0569", false],
		["79927398713", true],
		["79927398710", false],
		["059", true],
		["59", true],
		["0 0", true],
		["00000", true],
		["091", true],
		["109", true],
		["9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999", false],
		["  0 5 9  ", true],
		["", false],
		["0", false],
		[" 0 ", false],
		["      ", false],
		["059a", false],
		["05-9", false],
		["055\t444", false],
		["٠٥٩", false],
		["0x59", false],
	];
	for (const [input, expected] of cases) {
		test(`${JSON.stringify(input)} -> ${expected}`, () => {
			assert.equal(isValid(input), expected);
		});
	}

	test("non-string input is invalid", () => {
		assert.equal(isValid(4539319503436467), false);
		assert.equal(isValid(null), false);
		assert.equal(isValid(undefined), false);
		assert.equal(isValid(["0", "0"]), false);
	});

	test("long valid number", () => {
		const payload = "1234567890".repeat(1000);
		assert.equal(isValid(payload + checkDigit(payload)), true);
	});
});

describe("checkDigit", () => {
	const cases = [
		["7992739871", "3"],
		["453931950343646", "7"],
		["0", "0"],
		["1", "8"],
		["5", "9"],
		["12 34", "4"],
		["9", "1"],
	];
	for (const [payload, expected] of cases) {
		test(`${JSON.stringify(payload)} -> ${expected}`, () => {
			const digit = checkDigit(payload);
			assert.equal(digit, expected);
			assert.equal(isValid(payload + digit), true);
		});
	}

	test("every appended digit but the check digit is invalid", () => {
		for (const payload of ["1", "18", "402400715076", "555555555555444"]) {
			const good = checkDigit(payload);
			for (let d = 0; d <= 9; d++) {
				assert.equal(isValid(payload + d), String(d) === good, `${payload}${d}`);
			}
		}
	});

	test("rejects invalid payloads with TypeError", () => {
		for (const bad of ["", "   ", "12a", "1-2", "١٢", 12]) {
			assert.throws(() => checkDigit(bad), TypeError, JSON.stringify(bad));
		}
	});
});
