import { EmulatedError } from './types';

/**
 * What Bedrock's Converse checks and does beyond echoing: the refusals the gateway's mappers must never trigger, and
 * the answers of constrained requests (a forced tool, a JSON-schema text format, thinking on).
 */

/** Models with native structured output (`outputConfig.textFormat`), as Bedrock lists them. */
const NATIVE_STRUCTURED_OUTPUT = /anthropic\.claude-((sonnet|opus|haiku)-4-[5-9]|(sonnet|opus|haiku)-[5-9])|openai\.gpt-oss|moonshot(ai)?\.kimi/;

/** A Converse content block as it travels on the wire (JSON). */
export type WireBlock = Record<string, any>;

/** The answer to a Converse request: its content blocks and stop reason. */
export interface Answer {
  readonly blocks: WireBlock[];
  readonly stopReason: string;
}

const validation = (message: string): EmulatedError => ({ type: 'ValidationException', message });

function thinkingOn(body: any): boolean {
  const type = body?.additionalModelRequestFields?.thinking?.type;
  return type === 'enabled' || type === 'adaptive';
}

/** Bedrock's refusal of a Converse request the model cannot take, or undefined when it is acceptable. */
export function converseRequestError(modelId: string, body: any): EmulatedError | undefined {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const toolBlocks = messages.some((m) => (m?.content ?? []).some((b: any) => b?.toolUse || b?.toolResult));
  if (toolBlocks && !body?.toolConfig) {
    return validation('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  }
  const choice = body?.toolConfig?.toolChoice;
  if (/anthropic\./.test(modelId) && thinkingOn(body) && (choice?.any || choice?.tool)) {
    return validation('The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.');
  }
  const textFormat = body?.outputConfig?.textFormat;
  if (textFormat) {
    if (!NATIVE_STRUCTURED_OUTPUT.test(modelId)) return validation(`The model ${modelId} doesn't support the outputConfig.textFormat field. Remove it and try again.`);
    try {
      JSON.parse(textFormat.structure?.jsonSchema?.schema);
    } catch {
      return validation('outputConfig.textFormat.structure.jsonSchema.schema must be a JSON schema serialized as a string.');
    }
  }
  return undefined;
}

/**
 * The answer of a constrained request, or undefined to echo: a forced tool gets a call with input made from its
 * schema; a JSON-schema text format gets a JSON text made from the schema. Thinking on adds a signed reasoning block
 * first, as Claude does.
 */
export function constrainedAnswer(body: any): Answer | undefined {
  const reasoning: WireBlock[] = thinkingOn(body)
    ? [{ reasoningContent: { reasoningText: { text: 'Let me think about the request.', signature: 'c2lnbmF0dXJl' } } }]
    : [];
  const choice = body?.toolConfig?.toolChoice;
  const tools: any[] = (body?.toolConfig?.tools ?? []).map((t: any) => t.toolSpec);
  const forced = choice?.tool ? tools.find((t) => t.name === choice.tool.name) : choice?.any ? tools[0] : undefined;
  if (forced) {
    const toolUse = { toolUseId: `tooluse_${forced.name}`, name: forced.name, input: exampleOf(forced.inputSchema?.json) };
    return { blocks: [...reasoning, { toolUse }], stopReason: 'tool_use' };
  }
  const schema = body?.outputConfig?.textFormat?.structure?.jsonSchema?.schema;
  if (typeof schema === 'string') {
    return { blocks: [...reasoning, { text: JSON.stringify(exampleOf(JSON.parse(schema))) }], stopReason: 'end_turn' };
  }
  if (reasoning.length > 0) return { blocks: reasoning, stopReason: 'end_turn' };
  return undefined;
}

/** A value that matches a JSON schema (the subset tools and response formats use). */
export function exampleOf(schema: any): unknown {
  if (!schema || typeof schema !== 'object') return {};
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.anyOf)) return exampleOf(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': return 'example';
    case 'integer':
    case 'number': return 1;
    case 'boolean': return true;
    case 'null': return null;
    case 'array': return [exampleOf(schema.items)];
    default:
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, exampleOf(value)]));
  }
}
