/**
 * What a model can do that the request mappers must know before calling it, keyed by Bedrock model id (with or
 * without an inference-profile prefix or ARN path). Bedrock refuses a request that uses a feature its model lacks.
 */

/**
 * Converse constrains the text answer to a JSON schema (`outputConfig.textFormat`) on these models: Claude Haiku,
 * Sonnet and Opus 4.5 and later generations, gpt-oss and Kimi. Unlike a forced tool, it composes with thinking.
 */
const NATIVE_STRUCTURED_OUTPUT = /anthropic\.claude-((sonnet|opus|haiku)-4-[5-9]|(sonnet|opus|haiku)-[5-9])|openai\.gpt-oss|moonshot(ai)?\.kimi/;

export function supportsNativeStructuredOutput(modelId: string): boolean {
  return NATIVE_STRUCTURED_OUTPUT.test(modelId);
}
