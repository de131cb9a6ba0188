import { describe, expect, it } from "vitest";
import { matchRoute, withSearch } from "../src/lib/route-match.js";
import { nextSort, PAGE_SIZE, parseRunsView, runsViewToQuery } from "../src/lib/runs-query.js";

describe("matchRoute", () => {
	it("matches literal and parameter segments", () => {
		expect(matchRoute("/runs/:id", "/runs/42")).toEqual({ id: "42" });
		expect(matchRoute("/runs/:id", "/runs/42/")).toEqual({ id: "42" });
		expect(matchRoute("/runs/new", "/runs/new")).toEqual({});
		expect(matchRoute("/runs/:id", "/runs")).toBeNull();
		expect(matchRoute("/compare", "/leaderboard")).toBeNull();
		expect(matchRoute("/x/:name", "/x/a%20b")).toEqual({ name: "a b" });
	});

	it("edits a query string, removing empty values", () => {
		const current = new URLSearchParams("model=claude&status=running");
		expect(withSearch(current, { status: null, sort: "cost" })).toBe("?model=claude&sort=cost");
		expect(withSearch(current, { model: "", status: undefined })).toBe("");
	});
});

describe("runs page URL state", () => {
	it("reads filters, sort and page, ignoring junk", () => {
		const view = parseRunsView(new URLSearchParams("model=gpt&status=bogus&sort=cost&order=asc&page=3"));
		expect(view).toEqual({ model: "gpt", provider: "", status: "", sort: "cost", order: "asc", page: 3 });
		expect(parseRunsView(new URLSearchParams("page=-2&sort=nope"))).toMatchObject({
			page: 1,
			sort: "created",
			order: "desc",
		});
	});

	it("turns the view into an API query with paging", () => {
		const query = runsViewToQuery({
			model: " gpt ",
			provider: "",
			status: "running",
			sort: "cost",
			order: "asc",
			page: 2,
		});
		expect(query).toEqual({
			model: "gpt",
			status: "running",
			sort: "cost",
			order: "asc",
			limit: PAGE_SIZE,
			offset: PAGE_SIZE,
		});
	});

	it("flips the order on the same column and starts a new one at its natural order", () => {
		expect(nextSort({ sort: "cost", order: "desc" }, "cost")).toEqual({ sort: "cost", order: "asc" });
		expect(nextSort({ sort: "cost", order: "asc" }, "model")).toEqual({ sort: "model", order: "asc" });
		expect(nextSort({ sort: "model", order: "asc" }, "passRate")).toEqual({ sort: "passRate", order: "desc" });
	});
});
