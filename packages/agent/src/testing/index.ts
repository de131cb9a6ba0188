export {
	type MockLlmServer,
	type MockLlmServerOptions,
	type MockTurn,
	type RecordedRequest,
	startMockLlmServer,
} from "./mock-llm-server.js";
