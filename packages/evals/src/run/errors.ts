/** Somebody else is running this run right now. */
export class RunBusyError extends Error {
	override readonly name = "RunBusyError";
}

/** The run or task cannot be found, or the request does not make sense for its state. */
export class RunStateError extends Error {
	override readonly name = "RunStateError";
}

/** A run config that cannot run: a bad model or agent, nothing selected, an agent missing here. */
export class RunConfigError extends Error {
	override readonly name = "RunConfigError";
	constructor(
		message: string,
		/** The config field at fault (`settings.modelTemprature`), so a form can put the message there. */
		readonly field?: string,
	) {
		super(message);
	}
}

export function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
