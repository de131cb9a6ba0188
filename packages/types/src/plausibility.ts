import type { TaskEvent } from "./events.js";
import type { TokenUsage } from "./message.js";
import type { ToolUsage } from "./tools.js";

/**
 * Values Roo Code's schemas accept but that cannot be right: a negative token count or cost, a
 * tool count below zero or with a fraction, an evals task id that is not a whole number >= 0.
 * Receivers keep such events (dropping them would lose the rest of the payload) and log what this
 * returns, one line per value, so a broken agent or relay shows up in the logs. No logger here:
 * the caller decides where the lines go.
 */
export function implausibleValues(event: TaskEvent): string[] {
	const found: string[] = [];
	const name = event.eventName;
	if (event.taskId !== undefined && !isCount(event.taskId)) {
		found.push(`${name}: taskId ${event.taskId} is not a whole number >= 0`);
	}
	switch (event.eventName) {
		case "taskCompleted":
			checkTokens(found, name, event.payload[1]);
			checkTools(found, name, event.payload[2]);
			break;
		case "taskTokenUsageUpdated":
			checkTokens(found, name, event.payload[1]);
			if (event.payload[2]) checkTools(found, name, event.payload[2]);
			break;
	}
	return found;
}

function isCount(value: number): boolean {
	return Number.isInteger(value) && value >= 0;
}

function checkTokens(found: string[], name: string, usage: TokenUsage): void {
	for (const [field, value] of Object.entries(usage)) {
		if (typeof value === "number" && value < 0) found.push(`${name}: TokenUsage.${field} is negative (${value})`);
	}
}

function checkTools(found: string[], name: string, tools: ToolUsage): void {
	for (const [tool, counts] of Object.entries(tools)) {
		for (const [field, value] of Object.entries(counts)) {
			if (!isCount(value)) found.push(`${name}: ToolUsage.${tool}.${field} is not a whole number >= 0 (${value})`);
		}
	}
}
