import { ConverseStreamOutput, ReasoningContentBlock, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { toOpenAIError } from '../errors';
import { customToolNames } from './custom-tools';
import {
  CompactionItem, CustomToolCallItem, FunctionCallItem, MessageItem, newId, OutputItem, OutputText, ReasoningItem, ResponseMeta,
  ResponseObject, responseObject, statusOf, toResponsesUsage,
} from './response-object';
import { sealReasoning } from './sealed-reasoning';
import { streamedCustomToolInput } from '../chat/custom-tools';

/** One streamed event: its `type`, its place in the stream and its fields. */
export interface ResponseEvent {
  readonly type: string;
  readonly sequence_number: number;
  readonly [field: string]: unknown;
}

/** The output items a Converse stream produces (a compaction is answered whole). */
type StreamedItem = Exclude<OutputItem, CompactionItem>;

/** A Converse content block being streamed, and the output item it became. */
interface OpenBlock {
  readonly outputIndex: number;
  readonly item: StreamedItem;
  text: string;
  /** Reasoning only: the signature and redacted content, sealed into `encrypted_content` when the block stops. */
  signature?: string;
  redacted?: Uint8Array;
  summaryOpen?: boolean;
}

/**
 * ConverseStream events → Responses stream events, for one response: `response.created` and `response.in_progress`
 * first, then per Converse content block an output item (`output_item.added` … `output_item.done`) with its part and
 * delta events, and finally exactly one terminal event. Every event carries an increasing `sequence_number`.
 */
export class ResponseEventMapper {
  private sequence = 0;
  private readonly items: StreamedItem[] = [];
  private readonly open = new Map<number, OpenBlock>();
  private stopReason?: string;
  private usage?: TokenUsage;
  private readonly customTools: ReadonlySet<string>;

  constructor(private readonly meta: ResponseMeta) {
    this.customTools = customToolNames(meta.request);
  }

  /** The events before Bedrock's first: the response, created and in progress. */
  start(): ResponseEvent[] {
    const response = responseObject(this.meta, 'in_progress', [], null);
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  /** The events for one ConverseStream event (often one, sometimes none or several). */
  map(event: ConverseStreamOutput): ResponseEvent[] {
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      const index = event.contentBlockStart.contentBlockIndex ?? 0;
      if (name === this.meta.structured?.toolName) return this.openMessage(index);
      const item: FunctionCallItem | CustomToolCallItem = this.customTools.has(name!)
        ? { id: newId('ctc'), type: 'custom_tool_call', status: 'in_progress', call_id: toolUseId!, name: name!, input: '' }
        : { id: newId('fc'), type: 'function_call', status: 'in_progress', call_id: toolUseId!, name: name!, arguments: '' };
      return this.openItem(index, item);
    }
    if (event.contentBlockDelta) {
      const { delta, contentBlockIndex } = event.contentBlockDelta;
      const index = contentBlockIndex ?? 0;
      if (delta?.text !== undefined) return this.text(index, delta.text);
      if (delta?.reasoningContent) return this.reasoning(index, delta.reasoningContent);
      if (delta?.toolUse?.input !== undefined) return this.toolInput(index, delta.toolUse.input);
      return [];
    }
    if (event.contentBlockStop) return this.close(event.contentBlockStop.contentBlockIndex ?? 0);
    if (event.messageStop) this.stopReason = event.messageStop.stopReason;
    if (event.metadata) this.usage = event.metadata.usage;
    return [];
  }

  /** The final response, once Bedrock's stream has ended: blocks it left open are closed first. */
  finish(): { events: ResponseEvent[]; response: ResponseObject } {
    const events = [...this.open.keys()].flatMap((index) => this.close(index));
    const { status, incomplete_details } = statusOf(this.stopReason);
    if (status === 'incomplete') {
      for (const item of this.items) if (item.type !== 'reasoning') item.status = 'incomplete';
    }
    return { events, response: responseObject(this.meta, status, this.items, toResponsesUsage(this.usage), { error: null, incomplete_details }) };
  }

  /** The events of a response answered whole rather than streamed (a compaction): each item added and done, then the terminal event. */
  whole(response: ResponseObject): ResponseEvent[] {
    const started = this.start();
    const items = response.output.flatMap((item, i) => [
      this.event('response.output_item.added', { output_index: i, item }),
      this.event('response.output_item.done', { output_index: i, item }),
    ]);
    return [...started, ...items, this.terminal(response)];
  }

  /** The terminal event for a finished response: `response.completed` or `response.incomplete`. */
  terminal(response: ResponseObject): ResponseEvent {
    return this.event(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  }

  /** The terminal event after a failure: `response.failed` with the OpenAI error (code `rate_limit_exceeded` for throttling). */
  failed(err: unknown): ResponseEvent {
    const { error } = toOpenAIError(err).toJSON();
    return this.event('response.failed', { response: responseObject(this.meta, 'failed', this.items, toResponsesUsage(this.usage), { error, incomplete_details: null }) });
  }

  private event(type: string, fields: Record<string, unknown>): ResponseEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }

  private openItem(index: number, item: StreamedItem): ResponseEvent[] {
    const outputIndex = this.items.length;
    this.items.push(item);
    this.open.set(index, { outputIndex, item, text: '' });
    return [this.event('response.output_item.added', { output_index: outputIndex, item: { ...item } })];
  }

  private openMessage(index: number): ResponseEvent[] {
    const item: MessageItem = { id: newId('msg'), type: 'message', role: 'assistant', status: 'in_progress', content: [] };
    const events = this.openItem(index, item);
    const part: OutputText = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    item.content = [part];
    return [...events, this.event('response.content_part.added', { item_id: item.id, output_index: this.items.length - 1, content_index: 0, part: { ...part } })];
  }

  private text(index: number, delta: string): ResponseEvent[] {
    const events = this.open.has(index) ? [] : this.openMessage(index);
    const block = this.open.get(index)!;
    block.text += delta;
    return [...events, this.event('response.output_text.delta', { item_id: block.item.id, output_index: block.outputIndex, content_index: 0, delta, logprobs: [] })];
  }

  private reasoning(index: number, delta: ReasoningContentBlockDelta): ResponseEvent[] {
    const events = this.open.has(index) ? [] : this.openItem(index, { id: newId('rs'), type: 'reasoning', summary: [] });
    const block = this.open.get(index)!;
    if (delta.signature) block.signature = delta.signature;
    if (delta.redactedContent) block.redacted = delta.redactedContent;
    if (!delta.text) return events;
    const ids = { item_id: block.item.id, output_index: block.outputIndex, summary_index: 0 };
    if (!block.summaryOpen) {
      block.summaryOpen = true;
      events.push(this.event('response.reasoning_summary_part.added', { ...ids, part: { type: 'summary_text', text: '' } }));
    }
    block.text += delta.text;
    return [...events, this.event('response.reasoning_summary_text.delta', { ...ids, delta: delta.text })];
  }

  private toolInput(index: number, fragment: string): ResponseEvent[] {
    const block = this.open.get(index);
    if (!block) return [];
    block.text += fragment;
    if (block.item.type === 'message') {
      return [this.event('response.output_text.delta', { item_id: block.item.id, output_index: block.outputIndex, content_index: 0, delta: fragment, logprobs: [] })];
    }
    // A custom tool's text is known once its JSON wrapper (`{"input": …}`) is whole: it is sent when the block stops.
    if (block.item.type === 'custom_tool_call') return [];
    return [this.event('response.function_call_arguments.delta', { item_id: block.item.id, output_index: block.outputIndex, delta: fragment })];
  }

  private close(index: number): ResponseEvent[] {
    const block = this.open.get(index);
    if (!block) return [];
    this.open.delete(index);
    const { item, outputIndex } = block;
    const ids = { item_id: item.id, output_index: outputIndex };
    const events: ResponseEvent[] = [];
    if (item.type === 'message') {
      const part = { ...item.content[0], text: block.text };
      item.content = [part];
      item.status = 'completed';
      events.push(
        this.event('response.output_text.done', { ...ids, content_index: 0, text: block.text, logprobs: [] }),
        this.event('response.content_part.done', { ...ids, content_index: 0, part: { ...part } }),
      );
    } else if (item.type === 'function_call') {
      // A tool called without arguments streams no input: "{}" so clients can parse it.
      item.arguments = block.text === '' ? '{}' : block.text;
      item.status = 'completed';
      events.push(this.event('response.function_call_arguments.done', { ...ids, name: item.name, arguments: item.arguments }));
    } else if (item.type === 'custom_tool_call') {
      item.input = streamedCustomToolInput(block.text);
      item.status = 'completed';
      if (item.input !== '') events.push(this.event('response.custom_tool_call_input.delta', { ...ids, delta: item.input }));
      events.push(this.event('response.custom_tool_call_input.done', { ...ids, input: item.input }));
    } else {
      closeReasoning(item, block);
      if (block.summaryOpen) {
        events.push(
          this.event('response.reasoning_summary_text.done', { ...ids, summary_index: 0, text: block.text }),
          this.event('response.reasoning_summary_part.done', { ...ids, summary_index: 0, part: { type: 'summary_text', text: block.text } }),
        );
      }
    }
    return [...events, this.event('response.output_item.done', { output_index: outputIndex, item: { ...item } })];
  }
}

type ReasoningContentBlockDelta = NonNullable<NonNullable<ConverseStreamOutput['contentBlockDelta']>['delta']>['reasoningContent'] & {};

function closeReasoning(item: ReasoningItem, block: OpenBlock): void {
  const content: ReasoningContentBlock = block.redacted
    ? { redactedContent: block.redacted }
    : { reasoningText: { text: block.text, ...(block.signature ? { signature: block.signature } : {}) } };
  item.summary = block.text ? [{ type: 'summary_text', text: block.text }] : [];
  item.encrypted_content = sealReasoning(content);
}
