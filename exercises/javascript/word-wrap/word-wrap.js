export function wrap(text, width, options = {}) {
	throw new Error("not implemented");
}
