/**
 * The modules that running a task needs (the AI SDK, providers, tools). The host loads them
 * after its socket is up, so a runner can connect at once while they load, instead of waiting
 * for all of them before the agent answers at all.
 */
export async function loadTaskRuntime() {
	const [task, registry, models, tools] = await Promise.all([
		import("../task/task.js"),
		import("../providers/registry.js"),
		import("@agent-evals/types/models"),
		import("../tools/registry.js"),
	]);
	return {
		Task: task.Task,
		resolveModel: registry.resolveModel,
		modelCatalog: models.modelCatalog,
		builtinTools: tools.builtinTools,
	};
}

export type TaskRuntime = Awaited<ReturnType<typeof loadTaskRuntime>>;
