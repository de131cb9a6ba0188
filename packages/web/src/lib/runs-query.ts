import { type RunListQuery, type RunSortKey, type RunStatus, runStatuses, type SortOrder } from "../api/types.js";

export const PAGE_SIZE = 50;

const sortKeys: RunSortKey[] = ["created", "passRate", "cost", "duration", "model"];

export interface RunsView {
	model: string;
	provider: string;
	status: RunStatus | "";
	sort: RunSortKey;
	order: SortOrder;
	page: number;
}

/** The runs page state lives in the URL so links and reloads keep filters, sort and page. */
export function parseRunsView(search: URLSearchParams): RunsView {
	const status = search.get("status") ?? "";
	const sort = search.get("sort") ?? "";
	const order = search.get("order");
	const page = Number(search.get("page") ?? "1");
	return {
		model: search.get("model") ?? "",
		provider: search.get("provider") ?? "",
		status: (runStatuses as readonly string[]).includes(status) ? (status as RunStatus) : "",
		sort: (sortKeys as string[]).includes(sort) ? (sort as RunSortKey) : "created",
		order: order === "asc" || order === "desc" ? order : "desc",
		page: Number.isInteger(page) && page > 0 ? page : 1,
	};
}

export function runsViewToQuery(view: RunsView): RunListQuery {
	const query: RunListQuery = {
		sort: view.sort,
		order: view.order,
		limit: PAGE_SIZE,
		offset: (view.page - 1) * PAGE_SIZE,
	};
	if (view.model.trim()) query.model = view.model.trim();
	if (view.provider.trim()) query.provider = view.provider.trim();
	if (view.status) query.status = view.status;
	return query;
}

/** Clicking a column: the same column flips the order; a new one starts at its natural order. */
export function nextSort(
	view: Pick<RunsView, "sort" | "order">,
	key: RunSortKey,
): { sort: RunSortKey; order: SortOrder } {
	if (view.sort === key) return { sort: key, order: view.order === "asc" ? "desc" : "asc" };
	return { sort: key, order: key === "model" ? "asc" : "desc" };
}
