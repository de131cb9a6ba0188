export function isValid(input) {
	throw new Error("not implemented");
}

export function checkDigit(payload) {
	throw new Error("not implemented");
}
