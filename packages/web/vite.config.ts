import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev -w @agent-evals/web` proxies the API to a running `evals serve`; set
// EVALS_API_URL when it listens elsewhere.
const apiTarget = process.env.EVALS_API_URL ?? "http://127.0.0.1:3446";

export default defineConfig({
	plugins: [react()],
	build: {
		outDir: "dist",
		emptyOutDir: true,
		// The server ships dist/ as-is; maps keep production stack traces readable at little cost.
		sourcemap: true,
	},
	server: {
		proxy: { "/api": { target: apiTarget, changeOrigin: true } },
	},
});
