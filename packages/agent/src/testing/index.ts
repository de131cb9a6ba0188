export {
	type MockLlmServer,
	type MockLlmServerOptions,
	type MockScriptItem,
	type MockTurn,
	type RecordedRequest,
	type ServedUsage,
	startMockLlmServer,
} from "./mock-llm-server.js";
