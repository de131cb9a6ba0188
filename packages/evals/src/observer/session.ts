import {
	defaultSteering,
	isSecretSettingKey,
	type ObserverConfig,
	observerConfigSchema,
	type RunObserver as RunObserverOptions,
} from "@agent-evals/types";
import type { ObserverSession } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { RunConfigError } from "../run/errors.js";
import { parseModelSpec } from "../run/model-spec.js";

/*
 * A run's observer session: made when the run is created, from its observer options with every
 * default filled in, so the thresholds a run was watched with are on record with it.
 */

/** The checks that need nothing but the options: a known summary model, no keys in settings. */
export function checkObserverOptions(observer: RunObserverOptions): void {
	if (observer.model) {
		try {
			parseModelSpec(observer.model);
		} catch (error) {
			throw new RunConfigError(`observer model: ${(error as Error).message}`);
		}
	}
	for (const key of Object.keys(observer.config?.summarySettings ?? {})) {
		if (isSecretSettingKey(key)) {
			throw new RunConfigError(
				`observer config: summarySettings.${key} looks like a secret and is not taken from a file: put it in the environment.`,
			);
		}
	}
}

export function resolvedObserverConfig(config: ObserverConfig | undefined): ObserverConfig {
	return config ?? observerConfigSchema.parse({});
}

export function createObserverSession(
	store: Store,
	runId: number,
	observer: RunObserverOptions,
): Promise<ObserverSession> {
	const thresholds = resolvedObserverConfig(observer.config);
	const { summarySettings, ...rest } = thresholds;
	return store.observer.createSession({
		runId,
		observerLevel: observer.level,
		steeringMode: observer.steering ?? defaultSteering(observer.level),
		insightsConfig: observer.insights,
		budgetUsd: observer.budgetUsd ?? null,
		thresholds: rest,
		model: observer.model ?? null,
		modelSettings: summarySettings ?? null,
	});
}
