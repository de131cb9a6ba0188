export class VendingError extends Error {
	constructor(code, message) {
		super(message ?? code);
		this.name = "VendingError";
		this.code = code;
	}
}

const COINS = [100, 25, 10, 5];

const isCoin = (c) => typeof c === "number" && COINS.includes(c);
const isCount = (n, min) => Number.isInteger(n) && n >= min;

function fail(code, message) {
	throw new VendingError(code, message);
}

// Fewest coins; among equals, the largest-first list that compares greatest. Coins are tried
// from the largest denomination with the highest count first, so the first optimum found in
// this order is the preferred one.
function makeChange(amount, inventory) {
	let best = null;
	const counts = [0, 0, 0, 0];
	const search = (index, remaining, used) => {
		if (remaining === 0) {
			if (best === null || used < best.used) best = { used, counts: [...counts] };
			return;
		}
		if (index === COINS.length) return;
		if (best !== null && used >= best.used) return;
		const coin = COINS[index];
		const max = Math.min(inventory[coin], Math.floor(remaining / coin));
		for (let n = max; n >= 0; n--) {
			counts[index] = n;
			search(index + 1, remaining - n * coin, used + n);
		}
		counts[index] = 0;
	};
	search(0, amount, 0);
	if (best === null) return null;
	const result = [];
	COINS.forEach((coin, i) => {
		for (let k = 0; k < best.counts[i]; k++) result.push(coin);
	});
	return result;
}

export class VendingMachine {
	#products = new Map();
	#coins = { 5: 0, 10: 0, 25: 0, 100: 0 };
	#inserted = [];
	#maintenance = false;

	constructor(products, coins = {}) {
		if (!Array.isArray(products)) fail("INVALID_CONFIG", "products must be an array");
		for (const p of products) {
			if (
				p === null ||
				typeof p !== "object" ||
				typeof p.code !== "string" ||
				p.code === "" ||
				typeof p.name !== "string" ||
				p.name === "" ||
				!isCount(p.price, 1) ||
				p.price % 5 !== 0 ||
				!isCount(p.stock, 0)
			) {
				fail("INVALID_CONFIG", "invalid product");
			}
			if (this.#products.has(p.code)) fail("INVALID_CONFIG", `duplicate code ${p.code}`);
			this.#products.set(p.code, { name: p.name, price: p.price, stock: p.stock });
		}
		if (coins === null || typeof coins !== "object") fail("INVALID_CONFIG", "coins must be an object");
		for (const [key, count] of Object.entries(coins)) {
			if (!isCoin(Number(key)) || String(Number(key)) !== key || !isCount(count, 0)) {
				fail("INVALID_CONFIG", `invalid coin entry ${key}`);
			}
			this.#coins[key] = count;
		}
	}

	get state() {
		if (this.#maintenance) return "maintenance";
		return this.#inserted.length > 0 ? "collecting" : "idle";
	}

	get balance() {
		return this.#inserted.reduce((a, b) => a + b, 0);
	}

	#requireService() {
		if (this.#maintenance) fail("OUT_OF_SERVICE", "machine is in maintenance");
	}

	#requireMaintenance() {
		if (!this.#maintenance) fail("NOT_IN_MAINTENANCE", "machine is not in maintenance");
	}

	#product(code) {
		const product = this.#products.get(code);
		if (product === undefined) fail("UNKNOWN_PRODUCT", `unknown product ${code}`);
		return product;
	}

	insert(coin) {
		this.#requireService();
		if (!isCoin(coin)) fail("INVALID_COIN", `coin not accepted: ${coin}`);
		this.#inserted.push(coin);
		this.#coins[coin] += 1;
		return this.balance;
	}

	select(code) {
		this.#requireService();
		const product = this.#product(code);
		if (product.stock === 0) fail("SOLD_OUT", `${code} is sold out`);
		const balance = this.balance;
		if (balance < product.price) fail("INSUFFICIENT_FUNDS", `insert ${product.price - balance} more`);
		const change = makeChange(balance - product.price, this.#coins);
		if (change === null) fail("CANNOT_MAKE_CHANGE", "cannot make change");
		for (const coin of change) this.#coins[coin] -= 1;
		product.stock -= 1;
		this.#inserted = [];
		return { product: product.name, change };
	}

	cancel() {
		this.#requireService();
		const refund = [...this.#inserted].sort((a, b) => b - a);
		for (const coin of refund) this.#coins[coin] -= 1;
		this.#inserted = [];
		return refund;
	}

	stockOf(code) {
		return this.#product(code).stock;
	}

	coinInventory() {
		return { ...this.#coins };
	}

	startMaintenance() {
		if (this.#maintenance) return;
		if (this.#inserted.length > 0) fail("BUSY", "a transaction is in progress");
		this.#maintenance = true;
	}

	endMaintenance() {
		this.#requireMaintenance();
		this.#maintenance = false;
	}

	restock(code, quantity) {
		this.#requireMaintenance();
		const product = this.#product(code);
		if (!isCount(quantity, 1)) fail("INVALID_QUANTITY", "quantity must be a positive integer");
		product.stock += quantity;
	}

	loadCoins(coin, count) {
		this.#requireMaintenance();
		if (!isCoin(coin)) fail("INVALID_COIN", `coin not accepted: ${coin}`);
		if (!isCount(count, 1)) fail("INVALID_QUANTITY", "count must be a positive integer");
		this.#coins[coin] += count;
	}
}
