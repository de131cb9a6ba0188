export type IpcLogLevel = "debug" | "info" | "warn" | "error";

/** Where the IPC layer reports what it drops or refuses. */
export type IpcLogger = (level: IpcLogLevel, message: string) => void;

/** Default: warnings and errors on stderr, nothing else; a host passes its own logger. */
export const stderrLogger: IpcLogger = (level, message) => {
	if (level === "warn" || level === "error") process.stderr.write(`[ipc] ${level}: ${message}\n`);
};
