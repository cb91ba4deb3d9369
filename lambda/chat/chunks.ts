import { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { ChatToolCall, CompletionMeta } from './completion';
import { streamedCustomToolInput } from './custom-tools';
import { FinishReason, toFinishReason } from './finish-reason';
import { ChatUsage, toUsage } from './usage';

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  refusal?: null;
  reasoning_content?: string;
  tool_calls?: ToolCallDelta[];
}

/**
 * A streamed tool call fragment. A function call's first carries id, type and name, later ones argument text; a custom
 * tool's call comes whole in one, once its text is known: Bedrock streams it inside a JSON wrapper (`{"input": …}`).
 */
export type ToolCallDelta =
  | { index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } }
  | { index: number } & Extract<ChatToolCall, { type: 'custom' }>;

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: 0; delta: ChunkDelta; finish_reason: FinishReason | null; logprobs: null }>;
  usage?: ChatUsage;
}

/** A tool-use content block being streamed. */
interface OpenToolBlock {
  /** OpenAI tool call index, or undefined for the response_format tool (streamed as content). */
  readonly index?: number;
  argumentsSent: boolean;
  /** A custom tool's call, answered when its block stops: its input, JSON text until then. */
  readonly custom?: { readonly id: string; readonly name: string; json: string };
}

/**
 * ConverseStream events → OpenAI chunks, one response at a time. Each streamed tool call gets its own
 * `index`; its first fragment carries id, type and name, later ones argument fragments.
 */
export class ChunkMapper {
  private readonly toolBlocks = new Map<number, OpenToolBlock>();
  private toolCalls = 0;
  private answeredByTool = false;

  constructor(private readonly meta: CompletionMeta, private readonly includeUsage: boolean) {}

  /** The chunks for one stream event (often one, sometimes none). */
  map(event: ConverseStreamOutput): ChatCompletionChunk[] {
    if (event.messageStart) return [this.chunk({ role: 'assistant', content: '', refusal: null })];
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      const block = event.contentBlockStart.contentBlockIndex ?? 0;
      if (name === this.meta.structured?.toolName) {
        this.answeredByTool = true;
        this.toolBlocks.set(block, { argumentsSent: false });
        return [];
      }
      const index = this.toolCalls++;
      if (this.meta.customTools?.has(name!)) {
        this.toolBlocks.set(block, { index, argumentsSent: false, custom: { id: toolUseId!, name: name!, json: '' } });
        return [];
      }
      this.toolBlocks.set(block, { index, argumentsSent: false });
      return [this.chunk({ tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }] })];
    }
    if (event.contentBlockDelta) {
      const { delta, contentBlockIndex } = event.contentBlockDelta;
      if (delta?.text !== undefined) return [this.chunk({ content: delta.text })];
      if (delta?.reasoningContent?.text) return [this.chunk({ reasoning_content: delta.reasoningContent.text })];
      if (delta?.toolUse?.input) return this.toolInput(contentBlockIndex ?? 0, delta.toolUse.input);
      return [];
    }
    if (event.contentBlockStop) {
      // A tool called without arguments streams no input: send "{}" so clients can parse it.
      const blockIndex = event.contentBlockStop.contentBlockIndex ?? 0;
      const block = this.toolBlocks.get(blockIndex);
      if (block?.custom) {
        const { id, name, json } = block.custom;
        return [this.chunk({ tool_calls: [{ index: block.index!, id, type: 'custom', custom: { name, input: streamedCustomToolInput(json) } }] })];
      }
      return block && !block.argumentsSent ? this.toolInput(blockIndex, '{}') : [];
    }
    if (event.messageStop) {
      const reason = this.answeredByTool && this.toolCalls === 0 ? 'stop' : toFinishReason(event.messageStop.stopReason);
      return [this.chunk({}, reason)];
    }
    if (event.metadata && this.includeUsage) {
      return [{ ...this.base(), choices: [], usage: toUsage(event.metadata.usage) }];
    }
    return [];
  }

  private toolInput(blockIndex: number, fragment: string): ChatCompletionChunk[] {
    const block = this.toolBlocks.get(blockIndex);
    if (block?.custom) {
      block.custom.json += fragment;
      return [];
    }
    if (block) block.argumentsSent = true;
    if (block?.index === undefined) return [this.chunk({ content: fragment })];
    return [this.chunk({ tool_calls: [{ index: block.index, function: { arguments: fragment } }] })];
  }

  private base() {
    return { id: this.meta.id, object: 'chat.completion.chunk' as const, created: this.meta.created, model: this.meta.model };
  }

  private chunk(delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] };
  }
}
