import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VendingError, VendingMachine } from "./vending-machine.js";

const catalog = () => [
	{ code: "A1", name: "Water", price: 65, stock: 2 },
	{ code: "A2", name: "Crisps", price: 45, stock: 1 },
	{ code: "B1", name: "Chocolate", price: 100, stock: 0 },
];

function throwsCode(fn, code) {
	assert.throws(fn, (err) => {
		assert.ok(err instanceof VendingError, `expected VendingError, got ${err}`);
		assert.ok(err instanceof Error);
		assert.equal(err.name, "VendingError");
		assert.equal(err.code, code);
		return true;
	});
}

describe("VendingMachine", () => {
	test("starts idle with zero balance", () => {
		const m = new VendingMachine(catalog());
		assert.equal(m.state, "idle");
		assert.equal(m.balance, 0);
		assert.deepEqual(m.coinInventory(), { 5: 0, 10: 0, 25: 0, 100: 0 });
		assert.equal(m.stockOf("A1"), 2);
	});

	test("inserting coins collects a balance and stocks the inventory", () => {
		const m = new VendingMachine(catalog(), { 10: 1 });
		assert.equal(m.insert(25), 25);
		assert.equal(m.state, "collecting");
		assert.equal(m.insert(100), 125);
		assert.equal(m.insert(5), 130);
		assert.equal(m.balance, 130);
		assert.deepEqual(m.coinInventory(), { 5: 1, 10: 1, 25: 1, 100: 1 });
	});

	test("rejects coins that are not accepted", () => {
		const m = new VendingMachine(catalog());
		m.insert(10);
		for (const coin of [1, 50, 200, 0, -5, "25", null, undefined, 10.5]) {
			throwsCode(() => m.insert(coin), "INVALID_COIN");
		}
		assert.equal(m.balance, 10);
		assert.equal(m.state, "collecting");
	});

	test("exact payment returns no change", () => {
		const m = new VendingMachine(catalog());
		m.insert(25);
		m.insert(10);
		m.insert(10);
		assert.deepEqual(m.select("A2"), { product: "Crisps", change: [] });
		assert.equal(m.state, "idle");
		assert.equal(m.balance, 0);
		assert.equal(m.stockOf("A2"), 0);
		assert.deepEqual(m.coinInventory(), { 5: 0, 10: 2, 25: 1, 100: 0 });
	});

	test("pays change with the fewest coins from the inventory", () => {
		const m = new VendingMachine(catalog(), { 5: 5, 10: 5, 25: 5 });
		m.insert(100);
		assert.deepEqual(m.select("A1"), { product: "Water", change: [25, 10] });
		assert.deepEqual(m.coinInventory(), { 5: 5, 10: 4, 25: 4, 100: 1 });
	});

	test("change works around missing coins where greedy fails", () => {
		const m = new VendingMachine(catalog(), { 10: 3 });
		m.insert(25);
		m.insert(25);
		m.insert(25);
		assert.deepEqual(m.select("A2"), { product: "Crisps", change: [10, 10, 10] });
		assert.deepEqual(m.coinInventory(), { 5: 0, 10: 0, 25: 3, 100: 0 });
	});

	test("inserted coins can be paid back as change in the same purchase", () => {
		const m = new VendingMachine([{ code: "X", name: "Gum", price: 15, stock: 1 }]);
		m.insert(10);
		m.insert(10);
		m.insert(5);
		m.insert(5);
		// balance 30, change 15: 10 + 5 from the coins just inserted
		assert.deepEqual(m.select("X"), { product: "Gum", change: [10, 5] });
		assert.deepEqual(m.coinInventory(), { 5: 1, 10: 1, 25: 0, 100: 0 });
	});

	test("prefers fewer coins over larger first coin", () => {
		const m = new VendingMachine([{ code: "X", name: "Tea", price: 10, stock: 1 }], { 25: 1, 10: 4, 5: 1 });
		m.insert(10);
		m.insert(10);
		m.insert(10);
		m.insert(10);
		m.insert(10);
		// change 40: [25, 10, 5] (3 coins) beats [10, 10, 10, 10] (4 coins)
		assert.deepEqual(m.select("X").change, [25, 10, 5]);
	});

	test("cannot make change: nothing changes", () => {
		const m = new VendingMachine(catalog());
		m.insert(100);
		throwsCode(() => m.select("A1"), "CANNOT_MAKE_CHANGE");
		assert.equal(m.balance, 100);
		assert.equal(m.state, "collecting");
		assert.equal(m.stockOf("A1"), 2);
		assert.deepEqual(m.coinInventory(), { 5: 0, 10: 0, 25: 0, 100: 1 });
	});

	test("selection errors in order and keep the balance", () => {
		const m = new VendingMachine(catalog());
		throwsCode(() => m.select("Z9"), "UNKNOWN_PRODUCT");
		throwsCode(() => m.select("B1"), "SOLD_OUT");
		throwsCode(() => m.select("A1"), "INSUFFICIENT_FUNDS");
		assert.equal(m.state, "idle");
		m.insert(25);
		throwsCode(() => m.select("A1"), "INSUFFICIENT_FUNDS");
		throwsCode(() => m.select("B1"), "SOLD_OUT");
		assert.equal(m.balance, 25);
		m.insert(25);
		m.insert(10);
		m.insert(5);
		assert.deepEqual(m.select("A1"), { product: "Water", change: [] });
	});

	test("product sells out", () => {
		const m = new VendingMachine(catalog(), { 5: 10 });
		m.insert(25);
		m.insert(25);
		m.select("A2");
		m.insert(25);
		m.insert(25);
		throwsCode(() => m.select("A2"), "SOLD_OUT");
		assert.equal(m.balance, 50);
	});

	test("cancel refunds exactly the inserted coins, largest first", () => {
		const m = new VendingMachine(catalog(), { 5: 2, 25: 2 });
		assert.deepEqual(m.cancel(), []);
		m.insert(5);
		m.insert(100);
		m.insert(10);
		m.insert(5);
		assert.deepEqual(m.cancel(), [100, 10, 5, 5]);
		assert.equal(m.state, "idle");
		assert.equal(m.balance, 0);
		assert.deepEqual(m.coinInventory(), { 5: 2, 10: 0, 25: 2, 100: 0 });
	});

	test("maintenance mode", () => {
		const m = new VendingMachine(catalog());
		throwsCode(() => m.restock("B1", 3), "NOT_IN_MAINTENANCE");
		throwsCode(() => m.restock("nope", -1), "NOT_IN_MAINTENANCE");
		throwsCode(() => m.loadCoins(25, 4), "NOT_IN_MAINTENANCE");
		throwsCode(() => m.endMaintenance(), "NOT_IN_MAINTENANCE");
		m.startMaintenance();
		m.startMaintenance();
		assert.equal(m.state, "maintenance");
		throwsCode(() => m.insert(25), "OUT_OF_SERVICE");
		throwsCode(() => m.insert(3), "OUT_OF_SERVICE");
		throwsCode(() => m.select("A1"), "OUT_OF_SERVICE");
		throwsCode(() => m.select("nope"), "OUT_OF_SERVICE");
		throwsCode(() => m.cancel(), "OUT_OF_SERVICE");
		m.restock("B1", 3);
		m.loadCoins(25, 4);
		throwsCode(() => m.restock("nope", 1), "UNKNOWN_PRODUCT");
		throwsCode(() => m.restock("nope", 0), "UNKNOWN_PRODUCT");
		throwsCode(() => m.restock("B1", 0), "INVALID_QUANTITY");
		throwsCode(() => m.restock("B1", 1.5), "INVALID_QUANTITY");
		throwsCode(() => m.loadCoins(3, 1), "INVALID_COIN");
		throwsCode(() => m.loadCoins(3, 0), "INVALID_COIN");
		throwsCode(() => m.loadCoins(10, -2), "INVALID_QUANTITY");
		m.endMaintenance();
		assert.equal(m.state, "idle");
		assert.equal(m.stockOf("B1"), 3);
		m.insert(100);
		m.insert(25);
		assert.deepEqual(m.select("B1"), { product: "Chocolate", change: [25] });
	});

	test("cannot start maintenance during a transaction", () => {
		const m = new VendingMachine(catalog());
		m.insert(10);
		throwsCode(() => m.startMaintenance(), "BUSY");
		assert.equal(m.state, "collecting");
		m.cancel();
		m.startMaintenance();
		assert.equal(m.state, "maintenance");
	});

	test("unknown product in stockOf", () => {
		const m = new VendingMachine(catalog());
		throwsCode(() => m.stockOf("Q7"), "UNKNOWN_PRODUCT");
	});

	test("coinInventory returns a copy", () => {
		const m = new VendingMachine(catalog(), { 25: 1 });
		const inv = m.coinInventory();
		inv[25] = 99;
		assert.equal(m.coinInventory()[25], 1);
	});

	test("rejects invalid configuration", () => {
		const bad = [
			[null],
			["A1"],
			[[{ code: "A1", name: "W", price: 65, stock: 1 }, { code: "A1", name: "X", price: 10, stock: 1 }]],
			[[{ code: "A1", name: "W", price: 63, stock: 1 }]],
			[[{ code: "A1", name: "W", price: 0, stock: 1 }]],
			[[{ code: "A1", name: "W", price: 65, stock: -1 }]],
			[[{ code: "A1", name: "W", price: 65, stock: 1.5 }]],
			[[{ code: "", name: "W", price: 65, stock: 1 }]],
			[[{ code: "A1", name: "", price: 65, stock: 1 }]],
			[[{ code: "A1", name: "W", price: "65", stock: 1 }]],
			[[], { 50: 1 }],
			[[], { 25: -1 }],
			[[], { 25: 2.5 }],
		];
		for (const args of bad) {
			throwsCode(() => new VendingMachine(...args), "INVALID_CONFIG");
		}
		assert.doesNotThrow(() => new VendingMachine([]));
	});

	test("many transactions keep the money consistent", () => {
		const m = new VendingMachine([{ code: "C", name: "Coffee", price: 35, stock: 500 }], { 5: 200, 10: 50, 25: 50 });
		const total = (inv) => Object.entries(inv).reduce((sum, [coin, n]) => sum + Number(coin) * n, 0);
		let expected = total(m.coinInventory());
		for (let i = 0; i < 500; i++) {
			const coins = [[100], [25, 10], [25, 25], [10, 10, 10, 5]][i % 4];
			for (const c of coins) m.insert(c);
			const { change } = m.select("C");
			const paid = coins.reduce((a, b) => a + b, 0);
			assert.equal(
				change.reduce((a, b) => a + b, 0),
				paid - 35,
			);
			assert.deepEqual(change, [...change].sort((a, b) => b - a));
			expected += 35;
			assert.equal(total(m.coinInventory()), expected);
		}
		assert.equal(m.stockOf("C"), 0);
	});
});
