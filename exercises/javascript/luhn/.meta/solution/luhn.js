function digitsOf(text) {
	if (typeof text !== "string") return null;
	const stripped = text.replaceAll(" ", "");
	if (!/^[0-9]*$/.test(stripped)) return null;
	return Array.from(stripped, (ch) => ch.charCodeAt(0) - 48);
}

function luhnSum(digits, doubleFirst) {
	let sum = 0;
	let double = doubleFirst;
	for (let i = digits.length - 1; i >= 0; i--) {
		let d = digits[i];
		if (double) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
		double = !double;
	}
	return sum;
}

export function isValid(input) {
	const digits = digitsOf(input);
	if (digits === null || digits.length < 2) return false;
	return luhnSum(digits, false) % 10 === 0;
}

export function checkDigit(payload) {
	const digits = digitsOf(payload);
	if (digits === null || digits.length === 0) {
		throw new TypeError("payload must contain only digits and spaces");
	}
	// The check digit will sit in the undoubled rightmost position, so the payload's own
	// rightmost digit is doubled.
	const sum = luhnSum(digits, true);
	return String((10 - (sum % 10)) % 10);
}
