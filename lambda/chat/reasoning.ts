import { OpenAIError } from '../errors';
import { ReasoningEffort } from './chat-request';

/** What `reasoning_effort` turns into for one model. */
export interface ReasoningConfig {
  /** Merged into Converse `additionalModelRequestFields`. */
  readonly fields: Record<string, unknown>;
  /**
   * Claude extended thinking is on: Bedrock then rejects a set temperature or top_p and forced tool
   * choice, so the request mapper leaves those out.
   */
  readonly claudeThinking: boolean;
}

const CLAUDE_THINKING = /anthropic\.claude-(3-7-|(sonnet|opus)-4|haiku-4-5|(sonnet|opus|haiku)-[5-9])/;
const GPT_OSS = /openai\.gpt-oss/;
const NOVA_2 = /amazon\.nova-2/;

/** Smallest thinking budget Claude accepts. */
const MIN_BUDGET = 1024;
/** Budgets when the request sets no max tokens (the model's maximum applies). */
const FIXED_BUDGET: Record<string, number> = { minimal: 1024, low: 4096, medium: 8192, high: 16384 };
/** Shares of max tokens when the request sets them. */
const BUDGET_SHARE: Record<string, number> = { minimal: 0, low: 0.3, medium: 0.6, high: 0.9 };

/**
 * Claude 3.7+/4.x: `thinking` with a token budget; gpt-oss: `reasoning_effort`; Nova 2:
 * `reasoningConfig`. Other models get nothing (DeepSeek R1 always reasons; the rest cannot).
 * `xhigh` and `max` count as `high`; `none` turns reasoning off.
 */
export function reasoningConfig(
  modelId: string,
  effort: ReasoningEffort | null | undefined,
  maxTokens: number | undefined,
): ReasoningConfig | undefined {
  if (!effort || effort === 'none') return undefined;
  const level = effort === 'xhigh' || effort === 'max' ? 'high' : effort;
  if (CLAUDE_THINKING.test(modelId)) {
    return { fields: { thinking: { type: 'enabled', budget_tokens: claudeBudget(level, maxTokens) } }, claudeThinking: true };
  }
  const coarse = level === 'minimal' ? 'low' : level;
  if (GPT_OSS.test(modelId)) return { fields: { reasoning_effort: coarse }, claudeThinking: false };
  if (NOVA_2.test(modelId)) {
    return { fields: { reasoningConfig: { type: 'enabled', maxReasoningEffort: coarse } }, claudeThinking: false };
  }
  return undefined;
}

function claudeBudget(level: string, maxTokens: number | undefined): number {
  if (maxTokens === undefined) return FIXED_BUDGET[level];
  if (maxTokens <= MIN_BUDGET) {
    throw OpenAIError.invalidRequest(
      `reasoning_effort needs max_completion_tokens (or max_tokens) above ${MIN_BUDGET} for this model, or leave them unset`,
      'max_completion_tokens',
    );
  }
  // The budget must stay below max tokens so the answer itself has room.
  return Math.max(MIN_BUDGET, Math.min(Math.floor(maxTokens * BUDGET_SHARE[level]), maxTokens - 1));
}
