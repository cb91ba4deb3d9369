import { ConverseRequest, Message } from '@aws-sdk/client-bedrock-runtime';
import { ModelInfo } from '../bedrock/model-catalog';
import { OpenAIError } from '../errors';
import { ChatRequest } from './chat-request';
import { maxTokensOf, toInferenceConfig } from './inference-config';
import { ImageLoader, toConverseConversation } from './messages';
import { promptCacheOf, withCachePoints } from './prompt-cache';
import { reasoningConfig } from './reasoning';
import { structuredOutput, StructuredOutput } from './structured-output';
import { toToolConfig } from './tool-config';

export interface ConverseInputContext {
  /** The Bedrock model id the request resolved to. */
  readonly modelId: string;
  /** The model's catalog entry, when the catalog knows it. */
  readonly model?: ModelInfo;
  readonly loadImage: ImageLoader;
  /** Max tokens when the request sets none (DEFAULT_MAX_TOKENS); unset: the model's maximum. */
  readonly defaultMaxTokens?: number;
  /** Cache points for models that support them unless the request says otherwise (ENABLE_PROMPT_CACHING). */
  readonly promptCachingByDefault?: boolean;
}

/** A Converse / ConverseStream request, plus what the response mappers need to read its answer. */
export interface ConverseInput {
  readonly input: ConverseRequest;
  readonly structured?: StructuredOutput;
}

/** Maps an OpenAI chat request to a Converse request (the same input serves ConverseStream). */
export async function toConverseInput(request: ChatRequest, ctx: ConverseInputContext): Promise<ConverseInput> {
  if (request.n != null && request.n !== 1) {
    throw OpenAIError.invalidRequest(`Only n=1 is supported; received n=${request.n}`, 'n');
  }
  const loadImage = ctx.model && !ctx.model.inputModalities.includes('IMAGE') ? refuseImages(ctx.modelId) : ctx.loadImage;
  const { system, messages } = await toConverseConversation(request.messages, loadImage);
  const maxTokens = maxTokensOf(request, ctx.defaultMaxTokens);
  let reasoning = reasoningConfig(ctx.modelId, request.reasoning_effort, maxTokens);
  if (reasoning?.claudeThinking && inToolLoop(messages)) {
    // Thinking Claude wants its signed thinking blocks back with the tool calls they led to, and OpenAI
    // histories do not carry them: this turn runs without thinking rather than fail.
    reasoning = undefined;
  }
  const claudeThinking = reasoning?.claudeThinking ?? false;
  const structured = structuredOutput(request.response_format);
  if (structured && claudeThinking) {
    // Forced tool use is refused while Claude thinks, so ask for the answer tool in words instead.
    system.push({ text: `Give your final answer only by calling the ${structured.toolName} tool.` });
  }
  const promptCache = promptCacheOf(request, ctx.modelId, ctx.promptCachingByDefault ?? false);
  if (promptCache) withCachePoints(system, messages, promptCache);

  const inferenceConfig = toInferenceConfig(request, ctx.modelId, !claudeThinking, maxTokens);
  const toolConfig = toToolConfig(request, { messages, structured, claudeThinking });
  const additional = { ...reasoning?.fields, ...request.additional_model_request_fields };
  const guardrail = request.guardrail_config;
  const tier = request.service_tier;
  const input: ConverseRequest = {
    modelId: ctx.modelId,
    messages,
    ...(system.length > 0 ? { system } : {}),
    ...(Object.keys(inferenceConfig).length > 0 ? { inferenceConfig } : {}),
    ...(toolConfig ? { toolConfig } : {}),
    ...(Object.keys(additional).length > 0 ? { additionalModelRequestFields: additional as never } : {}),
    // OpenAI's `auto` and `scale` have no Bedrock counterpart: Bedrock's default applies.
    ...(tier === 'default' || tier === 'flex' || tier === 'priority' ? { serviceTier: { type: tier } } : {}),
    ...(request.performance_config ? { performanceConfig: { latency: request.performance_config.latency } } : {}),
    ...(guardrail ? {
      guardrailConfig: {
        guardrailIdentifier: guardrail.guardrail_identifier,
        guardrailVersion: guardrail.guardrail_version,
        ...(guardrail.trace ? { trace: guardrail.trace } : {}),
      },
    } : {}),
  };
  return { input, structured };
}

/** Whether the last assistant turn called tools (the conversation is inside a tool loop). */
function inToolLoop(messages: readonly Message[]): boolean {
  const lastAssistant = [...messages].reverse().find((m) => m.role === 'assistant');
  return lastAssistant?.content?.some((block) => block.toolUse) ?? false;
}

function refuseImages(modelId: string): ImageLoader {
  return async (_url, param) => {
    throw OpenAIError.invalidRequest(`Model ${modelId} does not accept image input; send text only or choose a model with IMAGE input`, param);
  };
}
