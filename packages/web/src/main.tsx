import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { captureToken } from "./api/token.js";
import "./styles.css";

// Before anything fetches: the token must be in storage and out of the address bar.
captureToken();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
	<StrictMode>
		<App />
	</StrictMode>,
);
