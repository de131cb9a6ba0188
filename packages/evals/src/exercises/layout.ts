import type { LayoutName, Suite } from "./types.js";

/**
 * One way of laying out a suite on disk. Each layout loads without conversion; `loadSuite` asks
 * them in turn whether a folder is theirs. Loading never throws for bad exercise metadata: the
 * exercise falls back to naming conventions (or is skipped) and the suite carries a warning.
 */
export interface SuiteLayout {
	readonly name: LayoutName;
	/** Cheap look at the folder's shape; true when this layout should load it. */
	detect(root: string): Promise<boolean>;
	load(root: string): Promise<Suite>;
}
