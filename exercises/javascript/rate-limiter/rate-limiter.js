export class TokenBucket {
	constructor({ capacity, refillIntervalMs, now = Date.now } = {}) {
		throw new Error("not implemented");
	}

	tryTake(n = 1) {
		throw new Error("not implemented");
	}

	available() {
		throw new Error("not implemented");
	}

	msUntil(n = 1) {
		throw new Error("not implemented");
	}
}

export class SlidingWindowLimiter {
	constructor({ limit, windowMs, now = Date.now } = {}) {
		throw new Error("not implemented");
	}

	hit(key) {
		throw new Error("not implemented");
	}

	reset(key) {
		throw new Error("not implemented");
	}
}
