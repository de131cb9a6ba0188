// Part of the build: a migrated PGlite data directory a fresh EVALS_HOME starts from (see src/db/seed.ts).
import { defaultSeedPath, writeSeed } from "../dist/db/seed.js";

const started = Date.now();
await writeSeed();
console.log(`evals: embedded database seed written to ${defaultSeedPath} in ${Date.now() - started} ms`);
