/**
 * The `POST /responses` body as the gateway understands it (OpenAI's Responses API). The JSON schema below checks the
 * top-level fields; input items are checked as they are mapped, so errors name the exact item (`input[2].call_id`).
 */
import { ReasoningEffort } from '../chat/chat-request';
import { LIMITS, modelNameSchema } from '../request-limits';

/** An input item: a message (with or without `type`), a function call or its output, or an earlier reasoning item. */
export interface InputItem {
  readonly type?: string;
  readonly role?: string;
  readonly content?: unknown;
  readonly call_id?: string;
  readonly name?: string;
  readonly arguments?: string;
  /** A custom tool call's text. */
  readonly input?: string;
  readonly output?: unknown;
  readonly id?: string;
  readonly summary?: ReadonlyArray<{ readonly type?: string; readonly text?: string }>;
  readonly encrypted_content?: string | null;
}

export interface ResponsesFunctionTool {
  readonly type: 'function';
  readonly name: string;
  readonly description?: string | null;
  readonly parameters?: Record<string, unknown> | null;
  readonly strict?: boolean | null;
}

/** A custom (free-form) tool: its input is text, optionally in a grammar, not JSON arguments. */
export interface ResponsesCustomTool {
  readonly type: 'custom';
  readonly name: string;
  readonly description?: string | null;
  readonly format?: { readonly type: 'text' } | { readonly type: 'grammar'; readonly syntax: string; readonly definition: string } | null;
}

export type ResponsesTool = ResponsesFunctionTool | ResponsesCustomTool;

export type ResponsesToolChoice = 'none' | 'auto' | 'required' | { readonly type: 'function' | 'custom'; readonly name: string };

export interface TextFormat {
  readonly type: 'text' | 'json_object' | 'json_schema';
  readonly name?: string;
  readonly description?: string;
  readonly schema?: Record<string, unknown>;
  readonly strict?: boolean | null;
}

export interface ResponsesRequest {
  readonly model?: string;
  readonly input?: string | readonly InputItem[];
  readonly instructions?: string | null;
  readonly tools?: readonly ResponsesTool[];
  readonly tool_choice?: ResponsesToolChoice;
  readonly parallel_tool_calls?: boolean | null;
  readonly max_output_tokens?: number | null;
  readonly temperature?: number | null;
  readonly top_p?: number | null;
  readonly reasoning?: { readonly effort?: ReasoningEffort | null; readonly summary?: string | null } | null;
  readonly text?: { readonly format?: TextFormat } | null;
  readonly stream?: boolean | null;
  readonly store?: boolean | null;
  readonly previous_response_id?: string | null;
  readonly include?: readonly string[] | null;
  readonly metadata?: Record<string, string> | null;
  readonly user?: string | null;
  readonly prompt_cache_key?: string | null;
  readonly truncation?: 'auto' | 'disabled' | null;
  readonly service_tier?: 'auto' | 'default' | 'flex' | 'scale' | 'priority' | null;
}

const nullable = (type: string, rest: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...rest });

/** Bedrock's tool name rule, which is also OpenAI's function name rule. */
const toolName = { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' };

/** Ajv schema of the request body; errors name the failing field. Unknown fields are accepted, as OpenAI does. */
export const responsesRequestSchema = {
  type: 'object',
  properties: {
    model: modelNameSchema,
    input: { type: ['string', 'array'], maxItems: LIMITS.messages, items: { type: 'object' } },
    instructions: nullable('string'),
    tools: {
      type: 'array',
      maxItems: LIMITS.tools,
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string' } },
        allOf: [
          {
            if: { properties: { type: { const: 'function' } } },
            then: {
              required: ['name'],
              properties: { name: toolName, description: nullable('string'), parameters: nullable('object'), strict: nullable('boolean') },
            },
          },
          {
            if: { properties: { type: { const: 'custom' } } },
            then: {
              required: ['name'],
              properties: {
                name: toolName,
                description: nullable('string'),
                format: nullable('object', {
                  required: ['type'],
                  properties: { type: { enum: ['text', 'grammar'] }, syntax: { type: 'string' }, definition: { type: 'string' } },
                  if: { properties: { type: { const: 'grammar' } } },
                  then: { required: ['syntax', 'definition'] },
                }),
              },
            },
          },
        ],
      },
    },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type', 'name'], properties: { type: { enum: ['function', 'custom'] }, name: { type: 'string' } } },
      ],
    },
    parallel_tool_calls: nullable('boolean'),
    max_output_tokens: nullable('integer', { minimum: 1 }),
    temperature: nullable('number', { minimum: 0, maximum: 2 }),
    top_p: nullable('number', { minimum: 0, maximum: 1 }),
    reasoning: nullable('object', {
      properties: {
        effort: { enum: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', null] },
        summary: { enum: ['auto', 'concise', 'detailed', null] },
      },
    }),
    text: nullable('object', {
      properties: {
        format: {
          type: 'object',
          required: ['type'],
          properties: {
            type: { enum: ['text', 'json_object', 'json_schema'] },
            name: toolName,
            description: { type: 'string' },
            schema: { type: 'object' },
            strict: nullable('boolean'),
          },
          if: { properties: { type: { const: 'json_schema' } } },
          then: { required: ['name', 'schema'] },
        },
      },
    }),
    stream: nullable('boolean'),
    store: nullable('boolean'),
    previous_response_id: nullable('string', { minLength: 1 }),
    include: nullable('array', { items: { type: 'string' } }),
    metadata: nullable('object', { additionalProperties: { type: 'string' } }),
    user: nullable('string'),
    prompt_cache_key: nullable('string'),
    truncation: { enum: ['auto', 'disabled', null] },
    service_tier: { enum: ['auto', 'default', 'flex', 'scale', 'priority', null] },
  },
} as const;
