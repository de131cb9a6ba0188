import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client.js";
import { type ToolError, toolErrors } from "../schema.js";
import { must } from "./sql.js";

export interface AddToolErrorInput {
	runId: number;
	taskId: number | null;
	toolName: string;
	error: string;
}

/** The `tool_errors` table: every `taskToolFailed` of a run. */
export class ToolErrorQueries {
	constructor(private readonly db: Db) {}

	async add(input: AddToolErrorInput): Promise<ToolError> {
		const [row] = await this.db.insert(toolErrors).values(input).returning();
		return must(row, "insert into tool_errors returned no row");
	}

	async list(runId: number, options: { taskId?: number } = {}): Promise<ToolError[]> {
		const where = [eq(toolErrors.runId, runId)];
		if (options.taskId !== undefined) where.push(eq(toolErrors.taskId, options.taskId));
		return this.db
			.select()
			.from(toolErrors)
			.where(and(...where))
			.orderBy(asc(toolErrors.id));
	}
}
