import { randomBytes } from 'node:crypto';
import { ContentBlock, ConverseResponse, StopReason, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { StructuredOutput } from '../chat/structured-output';
import { toUsage } from '../chat/usage';
import { OpenAIErrorBody } from '../errors';
import { customToolNames } from './custom-tools';
import { ResponsesRequest, TextFormat } from './responses-request';
import { sealReasoning } from './sealed-reasoning';
import { customToolInput } from '../chat/custom-tools';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

export interface MessageItem {
  id: string;
  type: 'message';
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: OutputText[];
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: Array<{ type: 'summary_text'; text: string }>;
  /** The signed Bedrock reasoning block (sealed-reasoning.ts), for clients that send history back. */
  encrypted_content?: string;
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  call_id: string;
  name: string;
  arguments: string;
}

/** A call to one of the request's custom tools: its input is the text the tool takes. */
export interface CustomToolCallItem {
  id: string;
  type: 'custom_tool_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  call_id: string;
  name: string;
  input: string;
}

/** A compacted conversation: its summary, opaque to the client (compaction.ts). */
export interface CompactionItem {
  id: string;
  type: 'compaction';
  encrypted_content: string;
}

export type OutputItem = MessageItem | ReasoningItem | FunctionCallItem | CustomToolCallItem | CompactionItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** The `response` object of the Responses API. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: OpenAIErrorBody['error'] | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: TextFormat };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'auto' | 'disabled';
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/** What every form of one response (created, streamed, final, stored) shares. */
export interface ResponseMeta {
  readonly id: string;
  readonly createdAt: number;
  /** The Bedrock model id, as the chat route reports it. */
  readonly model: string;
  readonly request: ResponsesRequest;
  /** The response_format tool whose input is the answer (fallback for models without native structured output). */
  readonly structured?: StructuredOutput;
}

/** An id such as `resp_…`, `msg_…`, `rs_…`, `fc_…`: a prefix and 24 random bytes in hex. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

/** The response object with this status, output and usage; the request's settings echoed as OpenAI does. */
export function responseObject(
  meta: ResponseMeta,
  status: ResponseStatus,
  output: OutputItem[],
  usage: ResponsesUsage | null,
  details: Pick<ResponseObject, 'error' | 'incomplete_details'> = { error: null, incomplete_details: null },
): ResponseObject {
  const r = meta.request;
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.createdAt,
    status,
    ...details,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    model: meta.model,
    output,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: r.previous_response_id ?? null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? null },
    store: r.store ?? true,
    temperature: r.temperature ?? null,
    text: { format: r.text?.format ?? { type: 'text' } },
    tool_choice: r.tool_choice ?? 'auto',
    tools: [...(r.tools ?? [])],
    top_p: r.top_p ?? null,
    truncation: r.truncation ?? 'disabled',
    usage,
    user: r.user ?? null,
    metadata: r.metadata ?? {},
  };
}

/** Bedrock usage as Responses usage, counted as for chat (input includes cache reads and writes). Bedrock does not report reasoning tokens apart. */
export function toResponsesUsage(usage: TokenUsage | undefined): ResponsesUsage {
  const counted = toUsage(usage);
  return {
    input_tokens: counted.prompt_tokens,
    input_tokens_details: { cached_tokens: counted.prompt_tokens_details.cached_tokens },
    output_tokens: counted.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: counted.total_tokens,
  };
}

/** The status a Converse stop reason gives: cut short by max tokens or a content filter is `incomplete`. */
export function statusOf(stopReason: StopReason | string | undefined): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    case 'content_filtered':
    case 'guardrail_intervened':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
    default:
      return { status: 'completed', incomplete_details: null };
  }
}

/** A message item holding one output_text part. */
export function messageItem(id: string, text: string, status: MessageItem['status']): MessageItem {
  return { id, type: 'message', role: 'assistant', status, content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
}

/**
 * Converse content blocks → output items: reasoning blocks → `reasoning` (text as the summary, the signed block as
 * `encrypted_content`), text → `message`, tool calls → `function_call` (`custom_tool_call` for the request's custom
 * tools). A response_format tool's input is the message text, and then the whole of it: text the model wrote around
 * the call is not part of the answer.
 */
export function outputItems(blocks: readonly ContentBlock[], meta: ResponseMeta, itemStatus: MessageItem['status']): OutputItem[] {
  const answer = blocks.find((b) => b.toolUse && b.toolUse.name === meta.structured?.toolName)?.toolUse;
  const customTools = customToolNames(meta.request);
  const items: OutputItem[] = [];
  for (const block of blocks) {
    if (block.reasoningContent) {
      const text = block.reasoningContent.reasoningText?.text;
      items.push({ id: newId('rs'), type: 'reasoning', summary: text ? [{ type: 'summary_text', text }] : [], encrypted_content: sealReasoning(block.reasoningContent) });
    } else if (block.text !== undefined && !answer) {
      items.push(messageItem(newId('msg'), block.text, itemStatus));
    } else if (block.toolUse && block.toolUse === answer) {
      items.push(messageItem(newId('msg'), JSON.stringify(answer.input ?? {}), itemStatus));
    } else if (block.toolUse && customTools.has(block.toolUse.name!)) {
      const { toolUseId, name, input } = block.toolUse;
      items.push({ id: newId('ctc'), type: 'custom_tool_call', status: itemStatus, call_id: toolUseId!, name: name!, input: customToolInput(input) });
    } else if (block.toolUse) {
      const { toolUseId, name, input } = block.toolUse;
      items.push({ id: newId('fc'), type: 'function_call', status: itemStatus, call_id: toolUseId!, name: name!, arguments: JSON.stringify(input ?? {}) });
    }
  }
  return items;
}

/** A Converse response as a Responses `response`. */
export function toResponse(output: ConverseResponse, meta: ResponseMeta): ResponseObject {
  const { status, incomplete_details } = statusOf(output.stopReason);
  const items = outputItems(output.output?.message?.content ?? [], meta, status === 'completed' ? 'completed' : 'incomplete');
  return responseObject(meta, status, items, toResponsesUsage(output.usage), { error: null, incomplete_details });
}
