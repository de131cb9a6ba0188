import { defineConfig } from "drizzle-kit";

// Paths are relative to this package: run drizzle-kit from here (`npm run db:generate -w @agent-evals/evals`).
// One dialect for both backends: PGlite is PostgreSQL, so the same migrations apply to each.
export default defineConfig({
	dialect: "postgresql",
	schema: "./src/db/schema.ts",
	out: "./drizzle",
	strict: true,
	verbose: true,
});
