import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SlidingWindowLimiter, TokenBucket } from "./rate-limiter.js";

function fakeClock(start = 0) {
	const clock = { t: start, now: () => clock.t };
	return clock;
}

describe("TokenBucket", () => {
	test("starts full and runs dry", () => {
		const c = fakeClock();
		const b = new TokenBucket({ capacity: 3, refillIntervalMs: 1000, now: c.now });
		assert.equal(b.available(), 3);
		assert.equal(b.tryTake(), true);
		assert.equal(b.tryTake(), true);
		assert.equal(b.tryTake(), true);
		assert.equal(b.tryTake(), false);
		assert.equal(b.available(), 0);
		assert.equal(b.msUntil(), 1000);
		assert.equal(b.msUntil(3), 3000);
	});

	test("gains one token per interval, at the exact boundary", () => {
		const c = fakeClock(5000);
		const b = new TokenBucket({ capacity: 2, refillIntervalMs: 1000, now: c.now });
		b.tryTake(2);
		c.t = 5999;
		assert.equal(b.tryTake(), false);
		assert.equal(b.msUntil(), 1);
		c.t = 6000;
		assert.equal(b.tryTake(), true);
		assert.equal(b.tryTake(), false);
	});

	test("keeps partial progress towards the next token", () => {
		const c = fakeClock();
		const b = new TokenBucket({ capacity: 3, refillIntervalMs: 1000, now: c.now });
		b.tryTake(3);
		c.t = 2500;
		assert.equal(b.available(), 2);
		assert.equal(b.msUntil(3), 500);
		c.t = 2999;
		assert.equal(b.available(), 2);
		c.t = 3000;
		assert.equal(b.available(), 3);
	});

	test("a full bucket does not bank time", () => {
		const c = fakeClock();
		const b = new TokenBucket({ capacity: 3, refillIntervalMs: 1000, now: c.now });
		c.t = 3600;
		assert.equal(b.tryTake(), true);
		c.t = 4500;
		assert.equal(b.available(), 2);
		assert.equal(b.msUntil(3), 100);
		c.t = 4600;
		assert.equal(b.available(), 3);
	});

	test("refill that fills the bucket discards leftover progress", () => {
		const c = fakeClock();
		const b = new TokenBucket({ capacity: 2, refillIntervalMs: 1000, now: c.now });
		b.tryTake(2);
		c.t = 2700; // 2 tokens earned, bucket full again: anchor moves to 2700
		assert.equal(b.tryTake(), true);
		c.t = 3600;
		assert.equal(b.available(), 1);
		assert.equal(b.msUntil(2), 100);
		c.t = 3700;
		assert.equal(b.available(), 2);
	});

	test("never exceeds capacity after a long idle time", () => {
		const c = fakeClock();
		const b = new TokenBucket({ capacity: 5, refillIntervalMs: 10, now: c.now });
		b.tryTake(5);
		c.t = 1e9;
		assert.equal(b.available(), 5);
		assert.equal(b.msUntil(5), 0);
	});

	test("taking several tokens is all or nothing", () => {
		const c = fakeClock();
		const b = new TokenBucket({ capacity: 4, refillIntervalMs: 100, now: c.now });
		assert.equal(b.tryTake(3), true);
		assert.equal(b.tryTake(2), false);
		assert.equal(b.available(), 1);
		assert.equal(b.msUntil(2), 100);
		assert.equal(b.msUntil(4), 300);
		assert.equal(b.msUntil(1), 0);
	});

	test("a clock that goes backwards refills nothing", () => {
		const c = fakeClock(10_000);
		const b = new TokenBucket({ capacity: 3, refillIntervalMs: 1000, now: c.now });
		b.tryTake(3);
		c.t = 11_500;
		assert.equal(b.available(), 1); // anchor now 11_000
		c.t = 4_000;
		assert.equal(b.available(), 1);
		assert.equal(b.msUntil(), 0);
		assert.equal(b.msUntil(2), 8_000); // 11_000 + 1000 - 4_000
		c.t = 12_000;
		assert.equal(b.available(), 2);
	});

	test("validation", () => {
		const now = () => 0;
		for (const bad of [0, -1, 1.5, "3", Number.NaN, undefined]) {
			assert.throws(() => new TokenBucket({ capacity: bad, refillIntervalMs: 10, now }), RangeError);
			assert.throws(() => new TokenBucket({ capacity: 1, refillIntervalMs: bad, now }), RangeError);
		}
		assert.throws(() => new TokenBucket({ capacity: 1, refillIntervalMs: 10, now: 5 }), TypeError);
		const b = new TokenBucket({ capacity: 2, refillIntervalMs: 10, now });
		for (const bad of [0, 3, -1, 1.5, "1"]) {
			assert.throws(() => b.tryTake(bad), RangeError);
			assert.throws(() => b.msUntil(bad), RangeError);
		}
		assert.equal(b.available(), 2);
	});

	test("uses Date.now by default", () => {
		const b = new TokenBucket({ capacity: 1, refillIntervalMs: 60_000 });
		assert.equal(b.tryTake(), true);
		assert.equal(b.tryTake(), false);
		const wait = b.msUntil();
		assert.ok(wait > 50_000 && wait <= 60_000, String(wait));
	});

	test("reads the clock through the injected function", () => {
		let calls = 0;
		const b = new TokenBucket({
			capacity: 1,
			refillIntervalMs: 10,
			now: () => {
				calls++;
				return 0;
			},
		});
		const before = calls;
		b.tryTake();
		b.available();
		b.msUntil();
		assert.ok(calls > before);
	});
});

describe("SlidingWindowLimiter", () => {
	test("allows up to the limit, then reports when to retry", () => {
		const c = fakeClock();
		const l = new SlidingWindowLimiter({ limit: 3, windowMs: 1000, now: c.now });
		assert.deepEqual(l.hit("a"), { allowed: true, remaining: 2, retryAfterMs: 0 });
		c.t = 100;
		assert.deepEqual(l.hit("a"), { allowed: true, remaining: 1, retryAfterMs: 0 });
		c.t = 200;
		assert.deepEqual(l.hit("a"), { allowed: true, remaining: 0, retryAfterMs: 0 });
		c.t = 300;
		assert.deepEqual(l.hit("a"), { allowed: false, remaining: 0, retryAfterMs: 700 });
		c.t = 999;
		assert.deepEqual(l.hit("a"), { allowed: false, remaining: 0, retryAfterMs: 1 });
		c.t = 1000;
		assert.deepEqual(l.hit("a"), { allowed: true, remaining: 0, retryAfterMs: 0 });
		assert.deepEqual(l.hit("a"), { allowed: false, remaining: 0, retryAfterMs: 100 });
	});

	test("rejected hits do not count", () => {
		const c = fakeClock();
		const l = new SlidingWindowLimiter({ limit: 1, windowMs: 100, now: c.now });
		assert.equal(l.hit("k").allowed, true);
		for (c.t = 1; c.t < 100; c.t++) assert.equal(l.hit("k").allowed, false);
		c.t = 100;
		assert.equal(l.hit("k").allowed, true);
	});

	test("keys are independent", () => {
		const c = fakeClock();
		const l = new SlidingWindowLimiter({ limit: 1, windowMs: 1000, now: c.now });
		assert.equal(l.hit("ann").allowed, true);
		assert.equal(l.hit("bob").allowed, true);
		assert.equal(l.hit("ann").allowed, false);
		assert.equal(l.hit(1).allowed, true);
		assert.equal(l.hit("1").allowed, true);
		assert.equal(l.hit(1).allowed, false);
	});

	test("reset forgets a key", () => {
		const c = fakeClock();
		const l = new SlidingWindowLimiter({ limit: 2, windowMs: 1000, now: c.now });
		l.hit("a");
		l.hit("a");
		l.hit("b");
		l.reset("a");
		l.reset("never-seen");
		assert.deepEqual(l.hit("a"), { allowed: true, remaining: 1, retryAfterMs: 0 });
		assert.deepEqual(l.hit("b"), { allowed: true, remaining: 0, retryAfterMs: 0 });
	});

	test("clock going backwards keeps recorded hits", () => {
		const c = fakeClock(5000);
		const l = new SlidingWindowLimiter({ limit: 2, windowMs: 1000, now: c.now });
		l.hit("a");
		c.t = 3000;
		assert.deepEqual(l.hit("a"), { allowed: true, remaining: 0, retryAfterMs: 0 });
		c.t = 3500;
		assert.deepEqual(l.hit("a"), { allowed: false, remaining: 0, retryAfterMs: 500 });
		c.t = 4000;
		// the hit at 3000 has expired; the one at 5000 still counts
		assert.deepEqual(l.hit("a"), { allowed: true, remaining: 0, retryAfterMs: 0 });
		c.t = 4100;
		assert.deepEqual(l.hit("a"), { allowed: false, remaining: 0, retryAfterMs: 900 });
	});

	test("steady stream of hits", () => {
		const c = fakeClock();
		const l = new SlidingWindowLimiter({ limit: 10, windowMs: 1000, now: c.now });
		let allowed = 0;
		for (c.t = 0; c.t < 100_000; c.t += 10) {
			if (l.hit("busy").allowed) allowed++;
		}
		// 10 hits are accepted at the start of every 1000 ms window
		assert.equal(allowed, 1000);
	});

	test("validation", () => {
		const now = () => 0;
		for (const bad of [0, -2, 2.5, "5", null]) {
			assert.throws(() => new SlidingWindowLimiter({ limit: bad, windowMs: 10, now }), RangeError);
			assert.throws(() => new SlidingWindowLimiter({ limit: 1, windowMs: bad, now }), RangeError);
		}
		assert.throws(() => new SlidingWindowLimiter({ limit: 1, windowMs: 10, now: "later" }), TypeError);
	});
});
