import type { ProcessSpawner } from "./client.js";

// Which spawner this process starts its commands through, if any (`useSpawner`). Kept apart from
// the client so the modules that start commands depend on this slot, not on the client's imports.
let active: ProcessSpawner | undefined;

export function activeSpawner(): ProcessSpawner | undefined {
	return active;
}

export function setActiveSpawner(spawner: ProcessSpawner | undefined): void {
	active = spawner;
}
