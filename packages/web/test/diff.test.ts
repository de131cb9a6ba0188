import { describe, expect, it } from "vitest";
import { classifyToolDiff, parseUnifiedDiff } from "../src/lib/diff.js";

const diff = `diff --git a/src/main.py b/src/main.py
index 111..222 100644
--- a/src/main.py
+++ b/src/main.py
@@ -1,3 +1,3 @@
 def main():
-    return 1
+    return 2
 
--- a/notes.txt
+++ b/notes.txt
@@ -0,0 +1,2 @@
+--- not a header
++++ nor this
`;

describe("parseUnifiedDiff", () => {
	it("classifies lines and counts changes per file", () => {
		const parsed = parseUnifiedDiff(diff);
		expect(parsed.lines.map((line) => line.kind)).toEqual([
			"file",
			"meta",
			"meta",
			"meta",
			"hunk",
			"context",
			"del",
			"add",
			"context",
			"meta",
			"meta",
			"hunk",
			"add",
			"add",
		]);
		expect(parsed.files).toEqual([
			{ path: "src/main.py", additions: 1, deletions: 1 },
			{ path: "notes.txt", additions: 2, deletions: 0 },
		]);
		expect(parsed).toMatchObject({ additions: 3, deletions: 1 });
	});

	it("handles empty input and deleted files", () => {
		expect(parseUnifiedDiff(null).lines).toEqual([]);
		const removed = parseUnifiedDiff("--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
		expect(removed.files).toEqual([{ path: "old.py", additions: 0, deletions: 1 }]);
	});
});

describe("classifyToolDiff", () => {
	it("colours SEARCH/REPLACE blocks", () => {
		const kinds = classifyToolDiff(
			["<<<<<<< SEARCH", ":start_line:3", "-------", "old", "=======", "new", ">>>>>>> REPLACE"].join("\n"),
		).map((line) => line.kind);
		expect(kinds).toEqual(["hunk", "meta", "meta", "del", "hunk", "add", "hunk"]);
	});
});
