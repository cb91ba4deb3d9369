import { ContentBlock, Message, SystemContentBlock, ToolResultContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { customToolUseInput } from '../chat/custom-tools';
import { addTurn, ConverseConversation, ImageLoader, parseArguments } from '../chat/messages';
import { OpenAIError } from '../errors';
import { compactedHistory } from './compaction';
import { InputItem } from './responses-request';
import { openReasoning } from './sealed-reasoning';

/** An input item and the request field that holds it, for error messages. */
export interface PlacedItem {
  readonly item: InputItem;
  readonly param: string;
}

/** `input` as items: a string is one user message. */
export function inputItems(input: string | readonly InputItem[] | undefined): InputItem[] {
  if (input === undefined) return [];
  return typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : [...input];
}

/**
 * Responses input items → the Converse conversation, directly: `instructions` and system/developer messages become
 * `system`; user messages, images and tool-call outputs user turns; assistant text, function and custom tool calls and
 * reasoning items (with their signed block) assistant turns; a compaction item is the summary it carries, a user turn.
 * Consecutive items of one role merge into one turn.
 */
export async function toConversation(
  items: readonly PlacedItem[],
  instructions: string | null | undefined,
  loadImage: ImageLoader,
): Promise<ConverseConversation> {
  const system: SystemContentBlock[] = instructions && instructions.trim() !== '' ? [{ text: instructions }] : [];
  const turns: Message[] = [];
  for (const { item, param } of items) {
    const type = item.type ?? (item.role ? 'message' : undefined);
    switch (type) {
      case 'message':
        await addMessage(item, param, system, turns, loadImage);
        break;
      case 'function_call':
        addTurn(turns, 'assistant', [toolUse(item, param, parseArguments(stringField(item.arguments, `${param}.arguments`, ''), `${param}.arguments`))]);
        break;
      case 'custom_tool_call':
        addTurn(turns, 'assistant', [toolUse(item, param, customToolUseInput(stringField(item.input, `${param}.input`)))]);
        break;
      case 'compaction':
        addTurn(turns, 'user', compactedHistory(item.encrypted_content, `${param}.encrypted_content`));
        break;
      case 'function_call_output':
      case 'custom_tool_call_output':
        addTurn(turns, 'user', [{
          toolResult: { toolUseId: required(item.call_id, `${param}.call_id`), content: await toolOutput(item.output, `${param}.output`, loadImage) },
        }]);
        break;
      case 'reasoning':
        // Without the signed block the model cannot check it, so only reasoning the gateway produced goes back.
        if (item.encrypted_content) addTurn(turns, 'assistant', [{ reasoningContent: openReasoning(item.encrypted_content, `${param}.encrypted_content`) }]);
        break;
      default:
        throw OpenAIError.invalidRequest(
          `Unsupported input item type "${type}"; use message, function_call, function_call_output, custom_tool_call, custom_tool_call_output, reasoning or compaction (compaction_trigger only last)`,
          `${param}.type`);
    }
  }
  return { system, messages: turns };
}

/** A function or custom tool call item as the assistant's toolUse block, with its input as Bedrock takes it. */
function toolUse(item: InputItem, param: string, input: unknown): ContentBlock {
  return { toolUse: { toolUseId: required(item.call_id, `${param}.call_id`), name: required(item.name, `${param}.name`), input: input as never } };
}

function required(value: string | undefined, param: string): string {
  if (typeof value !== 'string' || value === '') throw OpenAIError.invalidRequest(`'${param}' is required.`, param);
  return value;
}

/** A string field (`fallback` when absent): the items' fields are checked here, not by the route's schema. */
function stringField(value: unknown, param: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string') throw OpenAIError.invalidRequest(`'${param}' must be a string.`, param);
  return value;
}

async function addMessage(item: InputItem, param: string, system: SystemContentBlock[], turns: Message[], loadImage: ImageLoader): Promise<void> {
  switch (item.role) {
    case 'system':
    case 'developer':
      system.push(...(await contentBlocks(item.content, `${param}.content`, loadImage, false)).map((b) => ({ text: b.text! })));
      return;
    case 'user':
      addTurn(turns, 'user', await contentBlocks(item.content, `${param}.content`, loadImage, true));
      return;
    case 'assistant':
      addTurn(turns, 'assistant', await contentBlocks(item.content, `${param}.content`, loadImage, false));
      return;
    default:
      throw OpenAIError.invalidRequest(`Unsupported role "${item.role}"; use user, assistant, system or developer`, `${param}.role`);
  }
}

/** A message's content (a string or parts) as Converse blocks; blank text is dropped (Converse rejects it). */
async function contentBlocks(content: unknown, param: string, loadImage: ImageLoader, imagesAllowed: boolean): Promise<ContentBlock[]> {
  if (typeof content === 'string') return content.trim() === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw OpenAIError.invalidRequest(`'${param}' must be a string or an array of content parts.`, param);
  const blocks = await Promise.all(content.map(async (part: Record<string, unknown>, j): Promise<ContentBlock[]> => {
    const partParam = `${param}[${j}]`;
    const type = part?.type;
    if (type === 'input_text' || type === 'output_text' || type === 'text' || type === 'refusal') {
      const text = (type === 'refusal' ? part.refusal : part.text) ?? '';
      if (typeof text !== 'string') throw OpenAIError.invalidRequest(`'${partParam}.text' must be a string.`, `${partParam}.text`);
      return text.trim() === '' ? [] : [{ text }];
    }
    if (type === 'input_image' && imagesAllowed) return [{ image: await loadImage(imageUrl(part, partParam), `${partParam}.image_url`) }];
    throw OpenAIError.invalidRequest(`Unsupported content part type "${String(type)}" here; use input_text${imagesAllowed ? ' or input_image' : ''}`, `${partParam}.type`);
  }));
  return blocks.flat();
}

function imageUrl(part: Record<string, unknown>, param: string): string {
  if (typeof part.image_url === 'string' && part.image_url !== '') return part.image_url;
  if (part.file_id !== undefined) {
    throw OpenAIError.invalidRequest('Image file_id is not supported (the gateway has no Files API); send the image as a data: or https: URL in image_url', `${param}.file_id`);
  }
  throw OpenAIError.invalidRequest(`'${param}.image_url' is required.`, `${param}.image_url`);
}

/** A function call's output: text, or parts (text and images). */
async function toolOutput(output: unknown, param: string, loadImage: ImageLoader): Promise<ToolResultContentBlock[]> {
  if (typeof output === 'string') return [{ text: output }];
  const blocks = await contentBlocks(output, param, loadImage, true);
  const results = blocks.map((b): ToolResultContentBlock => (b.image ? { image: b.image } : { text: b.text! }));
  return results.length > 0 ? results : [{ text: '' }];
}
