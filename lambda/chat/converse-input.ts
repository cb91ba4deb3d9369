import { ConverseRequest, Message } from '@aws-sdk/client-bedrock-runtime';
import { ModelInfo } from '../bedrock/model-catalog';
import { OpenAIError } from '../errors';
import { ChatRequest, GenerationSettings } from './chat-request';
import { chatGenerationSettings } from './custom-tools';
import { maxTokensOf, toInferenceConfig } from './inference-config';
import { ConverseConversation, ImageLoader, toConverseConversation } from './messages';
import { promptCacheOf, withCachePoints } from './prompt-cache';
import { reasoningConfig } from './reasoning';
import { nativeOutputConfig, structuredOutput, StructuredOutput } from './structured-output';
import { forcesToolUse, toToolConfig } from './tool-config';

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
  /** The response_format tool whose input is the answer (the fallback for models without native structured output). */
  readonly structured?: StructuredOutput;
}

/** Maps an OpenAI chat request to a Converse request (the same input serves ConverseStream). */
export async function toConverseInput(request: ChatRequest, ctx: ConverseInputContext): Promise<ConverseInput> {
  if (request.n != null && request.n !== 1) {
    throw OpenAIError.invalidRequest(`Only n=1 is supported; received n=${request.n}`, 'n');
  }
  const conversation = await toConverseConversation(request.messages, imageLoaderFor(ctx));
  return assembleConverseInput(conversation, chatGenerationSettings(request), ctx);
}

/** The context's image loader, or one refusing images when the catalog says the model takes none. */
export function imageLoaderFor(ctx: ConverseInputContext): ImageLoader {
  return ctx.model && !ctx.model.inputModalities.includes('IMAGE') ? refuseImages(ctx.modelId) : ctx.loadImage;
}

/**
 * A Converse request from a mapped conversation and the generation settings: reasoning, structured output, tools,
 * sampling, prompt cache and the Bedrock extras. The one place a Converse `modelId` is set.
 */
export function assembleConverseInput(conversation: ConverseConversation, settings: GenerationSettings, ctx: ConverseInputContext): ConverseInput {
  const { system, messages } = conversation;
  const maxTokens = maxTokensOf(settings, ctx.defaultMaxTokens);
  let reasoning = reasoningConfig(ctx.modelId, settings.reasoning_effort, maxTokens);
  if (reasoning?.claudeThinking && inToolLoopWithoutThinking(messages)) {
    // Thinking Claude wants its signed thinking blocks back with the tool calls they led to; a history that lacks
    // them (OpenAI chat histories never carry them) runs this turn without thinking rather than fail.
    reasoning = undefined;
  }
  const outputConfig = nativeOutputConfig(settings.response_format, ctx.modelId);
  const structured = outputConfig ? undefined : structuredOutput(settings.response_format);
  if (reasoning?.claudeThinking && forcesToolUse(settings, structured)) {
    // Claude refuses a forced tool while it thinks. What the client demanded (a tool call, or an answer in the
    // response_format schema on a model without native structured output) wins: this turn runs without thinking.
    reasoning = undefined;
  }
  const claudeThinking = reasoning?.claudeThinking ?? false;
  const promptCache = promptCacheOf(settings, ctx.modelId, ctx.promptCachingByDefault ?? false);
  if (promptCache) withCachePoints(system, messages, promptCache);

  const inferenceConfig = toInferenceConfig(settings, ctx.modelId, !claudeThinking, maxTokens);
  const toolConfig = toToolConfig(settings, { messages, structured });
  const additional = { ...reasoning?.fields, ...settings.additional_model_request_fields };
  const guardrail = settings.guardrail_config;
  const tier = settings.service_tier;
  const input: ConverseRequest = {
    modelId: ctx.modelId,
    messages,
    ...(system.length > 0 ? { system } : {}),
    ...(Object.keys(inferenceConfig).length > 0 ? { inferenceConfig } : {}),
    ...(toolConfig ? { toolConfig } : {}),
    ...(outputConfig ? { outputConfig } : {}),
    ...(Object.keys(additional).length > 0 ? { additionalModelRequestFields: additional as never } : {}),
    // OpenAI's `auto` and `scale` have no Bedrock counterpart: Bedrock's default applies.
    ...(tier === 'default' || tier === 'flex' || tier === 'priority' ? { serviceTier: { type: tier } } : {}),
    ...(settings.performance_config ? { performanceConfig: { latency: settings.performance_config.latency } } : {}),
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

/** Whether the last assistant turn called tools without the reasoning block that led to them. */
function inToolLoopWithoutThinking(messages: readonly Message[]): boolean {
  const lastAssistant = [...messages].reverse().find((m) => m.role === 'assistant');
  const blocks = lastAssistant?.content ?? [];
  return blocks.some((block) => block.toolUse) && !blocks.some((block) => block.reasoningContent);
}

function refuseImages(modelId: string): ImageLoader {
  return async (_url, param) => {
    throw OpenAIError.invalidRequest(`Model ${modelId} does not accept image input; send text only or choose a model with IMAGE input`, param);
  };
}
