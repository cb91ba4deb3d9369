import { ContentBlock, ImageBlock, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { OpenAIError } from '../errors';
import { checkJsonShape, LIMITS } from '../request-limits';
import { ChatMessage, ContentPart, ImagePart, TextPart } from './chat-request';
import { customToolUseInput } from './custom-tools';

/** Turns an image URL into a Bedrock image block; `param` names the field for errors. */
export type ImageLoader = (url: string, param: string) => Promise<ImageBlock>;

/** The Converse `system` and `messages` of an OpenAI conversation. */
export interface ConverseConversation {
  readonly system: SystemContentBlock[];
  readonly messages: Message[];
}

/**
 * system and developer messages become Converse `system`; tool results become user `toolResult`
 * blocks; consecutive turns of the same role are merged (Converse requires alternating roles).
 */
export async function toConverseConversation(
  messages: readonly ChatMessage[],
  loadImage: ImageLoader,
): Promise<ConverseConversation> {
  const images = messages.reduce((n, m) => n + parts(m).filter((p) => p.type === 'image_url').length, 0);
  if (images > LIMITS.images) {
    throw OpenAIError.invalidRequest(`A request may carry at most ${LIMITS.images} images; received ${images}.`, 'messages', 'too_many_images');
  }
  const system: SystemContentBlock[] = [];
  const turns: Message[] = [];
  for (const [i, message] of messages.entries()) {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textOnly(message, param).map((text) => ({ text })));
        break;
      case 'user':
        addTurn(turns, 'user', await userContent(message, param, loadImage));
        break;
      case 'assistant':
        addTurn(turns, 'assistant', assistantContent(message, param));
        break;
      case 'tool':
        addTurn(turns, 'user', [toolResult(message, param)]);
        break;
    }
  }
  return { system, messages: turns };
}

/** Whether any turn carries toolUse or toolResult blocks (Converse then requires a toolConfig). */
export function hasToolBlocks(messages: readonly Message[]): boolean {
  return messages.some((m) => m.content?.some((block) => block.toolUse ?? block.toolResult));
}

/** Appends content as a turn of `role`, merged into the last turn when it has the same role (Converse alternates roles). */
export function addTurn(turns: Message[], role: 'user' | 'assistant', content: ContentBlock[]): void {
  if (content.length === 0) return;
  const last = turns[turns.length - 1];
  if (last?.role === role) {
    last.content!.push(...content);
  } else {
    turns.push({ role, content });
  }
}

function parts(message: ChatMessage): readonly ContentPart[] {
  if (message.content === undefined || message.content === null) return [];
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content }];
  return message.content;
}

function textOnly(message: ChatMessage, param: string): string[] {
  return parts(message).flatMap((part, j) => {
    if (part.type !== 'text' && part.type !== 'refusal') {
      throw OpenAIError.invalidRequest(`${message.role} messages accept only text parts; received "${part.type}"`, `${param}.content[${j}].type`);
    }
    const text = (part as TextPart).text ?? (part as { refusal?: string }).refusal ?? '';
    // Converse rejects blank text blocks.
    return text.trim() === '' ? [] : [text];
  });
}

async function userContent(message: ChatMessage, param: string, loadImage: ImageLoader): Promise<ContentBlock[]> {
  // Remote images load in parallel; the blocks keep the parts' order.
  const blocks = await Promise.all(parts(message).map(async (part, j): Promise<ContentBlock[]> => {
    const partParam = `${param}.content[${j}]`;
    if (part.type === 'text') {
      const text = (part as TextPart).text ?? '';
      return text.trim() === '' ? [] : [{ text }];
    }
    if (part.type === 'image_url') {
      return [{ image: await loadImage((part as ImagePart).image_url.url, `${partParam}.image_url.url`) }];
    }
    throw OpenAIError.invalidRequest(`Unsupported content part type "${part.type}"; use "text" or "image_url"`, `${partParam}.type`);
  }));
  return blocks.flat();
}

function assistantContent(message: ChatMessage, param: string): ContentBlock[] {
  const blocks: ContentBlock[] = textOnly(message, param).map((text) => ({ text }));
  for (const [j, call] of (message.tool_calls ?? []).entries()) {
    const toolUse = call.type === 'custom'
      ? { name: call.custom.name, input: customToolUseInput(call.custom.input) }
      : { name: call.function.name, input: parseArguments(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`) };
    blocks.push({ toolUse: { toolUseId: call.id, ...toolUse, input: toolUse.input as never } });
  }
  return blocks;
}

/** Tool call arguments (JSON text) as the object Converse takes; `param` names the field for errors. */
export function parseArguments(json: string, param: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  checkJsonShape(json, param);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw OpenAIError.invalidRequest('Tool call arguments must be a JSON object; received invalid JSON', param);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw OpenAIError.invalidRequest('Tool call arguments must be a JSON object', param);
  }
  return value as Record<string, unknown>;
}

function toolResult(message: ChatMessage, param: string): ContentBlock {
  if (!message.tool_call_id) {
    throw OpenAIError.invalidRequest('tool messages need the tool_call_id of the call they answer', `${param}.tool_call_id`);
  }
  const texts = parts(message).map((part, j) => {
    if (part.type !== 'text') {
      throw OpenAIError.invalidRequest(`tool messages accept only text parts; received "${part.type}"`, `${param}.content[${j}].type`);
    }
    return { text: (part as TextPart).text };
  });
  return { toolResult: { toolUseId: message.tool_call_id, content: texts.length > 0 ? texts : [{ text: '' }] } };
}
