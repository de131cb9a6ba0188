/**
 * A small seeded pseudo-random generator (the Mulberry32 construction: a Weyl sequence on 32 bits
 * followed by two multiply-xorshift mixing rounds). Statistically plenty for a bootstrap, and
 * above all reproducible: the same seed gives the same interval on every machine, so a comparison
 * printed today matches the one the dashboard shows tomorrow.
 */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let mixed = state;
		mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
	};
}
