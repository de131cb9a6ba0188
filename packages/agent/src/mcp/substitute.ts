/** Values a config may refer to: `${env:NAME}` and `${workspaceFolder}`, as in Roo Code. */
export interface SubstitutionContext {
	env: NodeJS.ProcessEnv;
	workspace: string;
}

const VARIABLE = /\$\{(?:env:([A-Za-z_][A-Za-z0-9_]*)|(workspaceFolder))\}/g;

/**
 * Replaces variables in every string value of a parsed JSON config (keys stay as written).
 * Runs before validation, so a URL or command may come entirely from a variable. An unset
 * variable becomes the empty string and is reported in `missing`: a missing key should show up
 * as a failing server with a clear warning, not as a literal `${env:KEY}` sent to an API.
 */
export function substituteVariables(value: unknown, context: SubstitutionContext, missing: Set<string>): unknown {
	if (typeof value === "string") {
		return value.replace(VARIABLE, (_match, name: string | undefined) => {
			if (name === undefined) return context.workspace;
			const found = context.env[name];
			if (found === undefined) missing.add(name);
			return found ?? "";
		});
	}
	if (Array.isArray(value)) return value.map((item) => substituteVariables(item, context, missing));
	if (value !== null && typeof value === "object") {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [key, substituteVariables(item, context, missing)]),
		);
	}
	return value;
}
