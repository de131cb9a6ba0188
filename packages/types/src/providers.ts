// No zod here: the dashboard imports this list through `@agent-evals/types/providers`, and must
// not bundle the schema library for it.

/**
 * Provider ids accepted in `apiProvider`. Roo Code's names where Roo Code has the provider, plus
 * `openai-compatible` (any OpenAI-style endpoint with a base URL) and the offline models.
 */
export const providerIds = [
	"anthropic",
	"openai",
	"openai-native",
	"openai-compatible",
	"openrouter",
	"gemini",
	"vertex",
	"bedrock",
	"mistral",
	"xai",
	"groq",
	"deepseek",
	"ollama",
	"lmstudio",
	"litellm",
	"fireworks",
	"together",
	"cerebras",
	"sambanova",
	"requesty",
	"moonshot",
	"zai",
	"vercel-ai-gateway",
	"oracle",
	"scripted",
] as const;
export type ProviderId = (typeof providerIds)[number];
