export class VendingError extends Error {
	constructor(code, message) {
		super(message ?? code);
		this.name = "VendingError";
		this.code = code;
	}
}

export class VendingMachine {
	constructor(products, coins = {}) {
		throw new Error("not implemented");
	}
}
