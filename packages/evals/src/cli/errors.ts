/** A mistake in how the command was called: printed as is, exit code 2. */
export class UsageError extends Error {
	override readonly name = "UsageError";
}

export const EXIT_USAGE = 2;
