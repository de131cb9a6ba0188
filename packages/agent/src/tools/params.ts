import { z } from "zod";

/*
 * Parameter schemas shared by the tools. Models trained on Roo Code's XML tool format often send
 * numbers and booleans as strings ("12", "true") and null for "not given"; those are accepted here
 * so a harmless habit does not cost a failed tool call. The JSON schema shown to the model is the
 * strict one (registry.ts converts the output side).
 */

function nullToUndefined(value: unknown): unknown {
	return value === null ? undefined : value;
}

/** A 1-based line number. */
export function optionalLineNumber(description: string) {
	return z
		.preprocess((value) => {
			const present = nullToUndefined(value);
			return typeof present === "string" && /^\s*\d+\s*$/.test(present) ? Number(present) : present;
		}, z.number().int().min(1).optional())
		.optional()
		.describe(description);
}

export function optionalBoolean(description: string) {
	return z
		.preprocess((value) => {
			const present = nullToUndefined(value);
			if (typeof present !== "string") return present;
			const lowered = present.trim().toLowerCase();
			return lowered === "true" ? true : lowered === "false" ? false : present;
		}, z.boolean().optional())
		.optional()
		.describe(description);
}

export function optionalString(description: string) {
	return z.preprocess(nullToUndefined, z.string().optional()).optional().describe(description);
}

/** A path parameter: workspace-relative (preferred) or absolute inside the workspace. */
export function pathParameter(description: string) {
	return z.string().describe(description);
}
