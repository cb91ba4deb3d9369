import { ContentBlock, ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { customToolInput } from './custom-tools';
import { FinishReason, toFinishReason } from './finish-reason';
import { StructuredOutput } from './structured-output';
import { ChatUsage, toUsage } from './usage';

/** What every completion object and chunk of one response shares. */
export interface CompletionMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** The response_format tool whose input is the answer, if any. */
  readonly structured?: StructuredOutput;
  /** The names of the request's custom tools, whose calls are answered as `custom` tool calls. */
  readonly customTools?: ReadonlySet<string>;
}

export type ChatToolCall =
  | { id: string; type: 'function'; function: { name: string; arguments: string } }
  | { id: string; type: 'custom'; custom: { name: string; input: string } };

/** A tool call as the chat API answers it: JSON arguments, or a custom tool's text. */
export function chatToolCall(id: string, name: string, input: unknown, meta: CompletionMeta): ChatToolCall {
  return meta.customTools?.has(name)
    ? { id, type: 'custom', custom: { name, input: customToolInput(input) } }
    : { id, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: ChatToolCall[];
      reasoning_content?: string;
    };
    finish_reason: FinishReason;
    logprobs: null;
  }];
  usage: ChatUsage;
}

/** Converse response → OpenAI chat.completion; reasoning goes to `reasoning_content`, never into `content`. */
export function toChatCompletion(response: ConverseResponse, meta: CompletionMeta): ChatCompletion {
  const blocks: ContentBlock[] = response.output?.message?.content ?? [];
  let content = '';
  let reasoning = '';
  let toolAnswer: string | undefined;
  const toolCalls: ChatToolCall[] = [];
  for (const block of blocks) {
    if (block.text !== undefined) {
      content += block.text;
    } else if (block.reasoningContent?.reasoningText?.text) {
      reasoning += block.reasoningContent.reasoningText.text;
    } else if (block.toolUse && block.toolUse.name === meta.structured?.toolName) {
      toolAnswer = JSON.stringify(block.toolUse.input ?? {});
    } else if (block.toolUse) {
      toolCalls.push(chatToolCall(block.toolUse.toolUseId!, block.toolUse.name!, block.toolUse.input, meta));
    }
  }
  // The response_format answer is the whole content: text the model wrote around the call is not part of it.
  if (toolAnswer !== undefined) content = toolAnswer;
  const message: ChatCompletion['choices'][0]['message'] = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== '') message.reasoning_content = reasoning;
  const finishReason = toolAnswer !== undefined && toolCalls.length === 0 ? 'stop' : toFinishReason(response.stopReason);
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: toUsage(response.usage),
  };
}
