import { TokenUsage } from '@aws-sdk/client-bedrock-runtime';

/** OpenAI `usage`; `prompt_tokens` counts cache reads and writes, which Bedrock reports apart. */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export function toUsage(usage: TokenUsage | undefined): ChatUsage {
  const cached = usage?.cacheReadInputTokens ?? 0;
  const prompt = (usage?.inputTokens ?? 0) + cached + (usage?.cacheWriteInputTokens ?? 0);
  const completion = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
  };
}
