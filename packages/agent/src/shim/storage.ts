import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ClineMessage, redactSettings, type Settings, type TokenUsage, type ToolUsage } from "@agent-evals/types";

/*
 * What the shim keeps of a task under `<storage>/tasks/<taskId>/`: the record a new shim
 * process needs to resume it (which CLI, its session, the settings without secrets, the usage
 * so far), Roo Code's `ui_messages.json`, and `cli/`, the CLI's private configuration and
 * sessions. Writes go to a temporary file renamed over the old one.
 */

export const SHIM_TASK_FILE = "shim_task.json";
export const UI_MESSAGES_FILE = "ui_messages.json";

export interface ShimTaskRecord {
	taskId: string;
	/** The CLI adapter's name. */
	agent: string;
	workspace: string;
	/** The CLI's own session id, once it named one. */
	session?: string;
	settings: Settings;
	createdAt: number;
	updatedAt: number;
	status: "running" | "completed" | "aborted";
	tokenUsage: TokenUsage;
	toolUsage: ToolUsage;
}

export class ShimTaskStorage {
	readonly dir: string;
	private writes = Promise.resolve();

	constructor(storageRoot: string, taskId: string) {
		this.dir = join(storageRoot, "tasks", taskId);
	}

	/** The CLI's private folder for this task (configuration, sessions). */
	get cliDir(): string {
		return join(this.dir, "cli");
	}

	static isTaskId(taskId: string): boolean {
		return /^[A-Za-z0-9_-]+$/.test(taskId);
	}

	saveRecord(record: ShimTaskRecord): Promise<void> {
		return this.write(SHIM_TASK_FILE, { ...record, settings: redactSettings(record.settings) });
	}

	saveUiMessages(messages: ClineMessage[]): Promise<void> {
		return this.write(UI_MESSAGES_FILE, messages);
	}

	async load(): Promise<{ record: ShimTaskRecord; uiMessages: ClineMessage[] } | undefined> {
		const read = async (file: string) => JSON.parse(await readFile(join(this.dir, file), "utf8")) as unknown;
		let record: ShimTaskRecord;
		try {
			record = (await read(SHIM_TASK_FILE)) as ShimTaskRecord;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
			throw error;
		}
		const uiMessages = ((await read(UI_MESSAGES_FILE).catch(() => [])) as ClineMessage[]) ?? [];
		return { record, uiMessages };
	}

	/** Resolves once every write started so far is on disk. */
	flush(): Promise<void> {
		return this.writes;
	}

	private write(file: string, value: unknown): Promise<void> {
		const text = JSON.stringify(value, null, 2);
		this.writes = this.writes
			.catch(() => undefined)
			.then(async () => {
				await mkdir(this.dir, { recursive: true });
				const temp = join(this.dir, `.${file}.${process.pid}.tmp`);
				await writeFile(temp, text);
				await rename(temp, join(this.dir, file));
			});
		return this.writes;
	}
}
