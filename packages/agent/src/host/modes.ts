/** The modes an agent answers GetModes with: one, Roo Code's "code". Shared by evals-agent and the CLI shims. */
export const MODES = [{ slug: "code", name: "Code" }];
