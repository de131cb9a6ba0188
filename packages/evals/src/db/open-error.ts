/** A database could not be opened; the message is meant for the user as is. */
export class DatabaseOpenError extends Error {
	override readonly name = "DatabaseOpenError";
}
