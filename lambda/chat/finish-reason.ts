import { StopReason } from '@aws-sdk/client-bedrock-runtime';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Converse stopReason → OpenAI finish_reason. */
export function toFinishReason(stopReason: StopReason | string | undefined): FinishReason {
  switch (stopReason) {
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'stop';
  }
}
