import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ClineMessage, redactSettings, type Settings, type TokenUsage, type ToolUsage } from "@agent-evals/types";
import type { ModelMessage } from "ai";

export const API_HISTORY_FILE = "api_conversation_history.json";
export const UI_MESSAGES_FILE = "ui_messages.json";
export const METADATA_FILE = "task_metadata.json";

export type TaskStatus = "running" | "completed" | "aborted" | "failed";

/** What a new process needs, besides the two histories, to resume a task. Never holds secrets. */
export interface TaskMetadata {
	taskId: string;
	text: string;
	workspace: string;
	createdAt: number;
	updatedAt: number;
	status: TaskStatus;
	settings: Settings;
	tokenUsage: TokenUsage;
	toolUsage: ToolUsage;
	turns: number;
	/** The primary model failed for good and the task moved to the fallback: a resumed task stays there. */
	onFallback?: boolean;
}

/**
 * A task's files under `<storage>/tasks/<taskId>/`. Every write goes to a temporary file that is
 * renamed over the old one, so a kill at any moment leaves the previous complete version.
 */
export class TaskStorage {
	readonly dir: string;
	private writes = Promise.resolve();

	constructor(
		storageRoot: string,
		readonly taskId: string,
	) {
		this.dir = join(storageRoot, "tasks", taskId);
	}

	static async exists(storageRoot: string, taskId: string): Promise<boolean> {
		if (!/^[A-Za-z0-9_-]+$/.test(taskId)) return false;
		try {
			await readFile(join(storageRoot, "tasks", taskId, METADATA_FILE));
			return true;
		} catch {
			return false;
		}
	}

	saveApiHistory(messages: ModelMessage[]): Promise<void> {
		return this.write(API_HISTORY_FILE, messages);
	}

	saveUiMessages(messages: ClineMessage[]): Promise<void> {
		return this.write(UI_MESSAGES_FILE, messages);
	}

	saveMetadata(metadata: TaskMetadata): Promise<void> {
		return this.write(METADATA_FILE, { ...metadata, settings: redactSettings(metadata.settings) });
	}

	async load(): Promise<{ metadata: TaskMetadata; apiHistory: ModelMessage[]; uiMessages: ClineMessage[] }> {
		const read = async <T>(file: string, fallback: T): Promise<T> => {
			try {
				return JSON.parse(await readFile(join(this.dir, file), "utf8")) as T;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === "ENOENT") return fallback;
				throw new Error(`cannot read ${join(this.dir, file)}: ${(error as Error).message}`);
			}
		};
		const metadata = await read<TaskMetadata | undefined>(METADATA_FILE, undefined);
		if (!metadata) throw new Error(`no task ${this.taskId} in ${this.dir}`);
		return {
			metadata,
			apiHistory: await read<ModelMessage[]>(API_HISTORY_FILE, []),
			uiMessages: await read<ClineMessage[]>(UI_MESSAGES_FILE, []),
		};
	}

	/** Resolves once every write queued so far is on disk. */
	flush(): Promise<void> {
		return this.writes;
	}

	// Writes are serialised: two renames racing could put an older version last.
	private write(file: string, value: unknown): Promise<void> {
		const text = JSON.stringify(value);
		const next = this.writes.then(async () => {
			await mkdir(this.dir, { recursive: true });
			const target = join(this.dir, file);
			const temp = `${target}.${process.pid}.tmp`;
			await writeFile(temp, text);
			await rename(temp, target);
		});
		this.writes = next.catch(() => undefined);
		return next;
	}
}
