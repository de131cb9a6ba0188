function positiveInteger(value, name) {
	if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1`);
}

function clockFunction(now) {
	if (typeof now !== "function") throw new TypeError("now must be a function");
}

export class TokenBucket {
	#capacity;
	#interval;
	#now;
	#tokens;
	#last;

	constructor({ capacity, refillIntervalMs, now = Date.now } = {}) {
		positiveInteger(capacity, "capacity");
		positiveInteger(refillIntervalMs, "refillIntervalMs");
		clockFunction(now);
		this.#capacity = capacity;
		this.#interval = refillIntervalMs;
		this.#now = now;
		this.#tokens = capacity;
		this.#last = now();
	}

	#checkCount(n) {
		if (!Number.isInteger(n) || n < 1 || n > this.#capacity) {
			throw new RangeError(`n must be an integer between 1 and ${this.#capacity}`);
		}
	}

	#refill() {
		const t = this.#now();
		if (t <= this.#last) return t;
		if (this.#tokens === this.#capacity) {
			this.#last = t;
			return t;
		}
		const k = Math.floor((t - this.#last) / this.#interval);
		this.#tokens = Math.min(this.#capacity, this.#tokens + k);
		if (this.#tokens === this.#capacity) this.#last = t;
		else this.#last += k * this.#interval;
		return t;
	}

	tryTake(n = 1) {
		this.#checkCount(n);
		this.#refill();
		if (this.#tokens < n) return false;
		this.#tokens -= n;
		return true;
	}

	available() {
		this.#refill();
		return this.#tokens;
	}

	msUntil(n = 1) {
		this.#checkCount(n);
		const t = this.#refill();
		if (this.#tokens >= n) return 0;
		return this.#last + (n - this.#tokens) * this.#interval - t;
	}
}

export class SlidingWindowLimiter {
	#limit;
	#window;
	#now;
	#hits = new Map(); // key -> times of accepted hits that may still count

	constructor({ limit, windowMs, now = Date.now } = {}) {
		positiveInteger(limit, "limit");
		positiveInteger(windowMs, "windowMs");
		clockFunction(now);
		this.#limit = limit;
		this.#window = windowMs;
		this.#now = now;
	}

	hit(key) {
		const t = this.#now();
		let entry = this.#hits.get(key);
		if (entry === undefined) {
			entry = [];
			this.#hits.set(key, entry);
		}
		// Hits are recorded in call order; with a clock that goes backwards their times are
		// not sorted, so filter rather than trimming a prefix. At most `limit` are kept.
		const cutoff = t - this.#window;
		entry = entry.filter((h) => h > cutoff);
		this.#hits.set(key, entry);
		if (entry.length < this.#limit) {
			entry.push(t);
			return { allowed: true, remaining: this.#limit - entry.length, retryAfterMs: 0 };
		}
		const earliest = entry.reduce((a, b) => Math.min(a, b));
		return { allowed: false, remaining: 0, retryAfterMs: earliest + this.#window - t };
	}

	reset(key) {
		this.#hits.delete(key);
	}
}
