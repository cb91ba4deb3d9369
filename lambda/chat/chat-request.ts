import { LIMITS, modelNameSchema } from '../request-limits';

/**
 * The `POST /chat/completions` body as the gateway understands it: the OpenAI fields it maps, plus a
 * few Bedrock extras under plain names. The JSON schema below validates it before the handler runs.
 */

export interface TextPart {
  readonly type: 'text';
  readonly text: string;
}

export interface ImagePart {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string; readonly detail?: string };
}

export type ContentPart = TextPart | ImagePart | { readonly type: string };

export interface FunctionToolCall {
  readonly id: string;
  readonly type?: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** A call of a custom tool in the history: the tool's text input rather than JSON arguments. */
export interface CustomToolCall {
  readonly id: string;
  readonly type: 'custom';
  readonly custom: { readonly name: string; readonly input: string };
}

export type ToolCall = FunctionToolCall | CustomToolCall;

export interface ChatMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  readonly content?: string | readonly ContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly ToolCall[];
  readonly tool_call_id?: string;
}

export interface FunctionTool {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters?: Record<string, unknown>;
    readonly strict?: boolean | null;
  };
}

/** A custom (free-form) tool: it takes text, in the format's grammar if it has one. */
export interface CustomTool {
  readonly type: 'custom';
  readonly custom: {
    readonly name: string;
    readonly description?: string;
    readonly format?: { readonly type: 'text' } | { readonly type: 'grammar'; readonly grammar: { readonly syntax: string; readonly definition: string } };
  };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

/** `tool_choice` as a chat request may send it: naming a custom tool too. */
export type ChatToolChoice = ToolChoice | { readonly type: 'custom'; readonly custom: { readonly name: string } };

export interface ResponseFormat {
  readonly type: 'text' | 'json_object' | 'json_schema';
  readonly json_schema?: {
    readonly name: string;
    readonly description?: string;
    readonly schema?: Record<string, unknown>;
    readonly strict?: boolean | null;
  };
}

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface GuardrailSettings {
  readonly guardrail_identifier: string;
  readonly guardrail_version: string;
  readonly trace?: 'enabled' | 'disabled' | 'enabled_full';
}

export interface PromptCacheSettings {
  /** How long cached prefixes live, where the model supports a choice. @default Bedrock's (5 minutes) */
  readonly ttl?: '5m' | '1h';
}

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly max_tokens?: number | null;
  readonly max_completion_tokens?: number | null;
  readonly temperature?: number | null;
  readonly top_p?: number | null;
  readonly n?: number | null;
  readonly stop?: string | readonly string[] | null;
  readonly stream?: boolean | null;
  readonly stream_options?: { readonly include_usage?: boolean } | null;
  readonly tools?: ReadonlyArray<FunctionTool | CustomTool>;
  readonly tool_choice?: ChatToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: ResponseFormat;
  readonly reasoning_effort?: ReasoningEffort | null;
  readonly user?: string;
  /** OpenAI's processing tier; default, flex and priority map to Bedrock service tiers. */
  readonly service_tier?: 'auto' | 'default' | 'flex' | 'scale' | 'priority' | null;
  /** Bedrock extra: cache points after the system prompt and at the end of the last user message. */
  readonly prompt_cache?: boolean | PromptCacheSettings;
  /** Bedrock extra: latency-optimized inference where the model offers it. */
  readonly performance_config?: { readonly latency: 'standard' | 'optimized' };
  /** Bedrock extra: merged into Converse `additionalModelRequestFields`. */
  readonly additional_model_request_fields?: Record<string, unknown>;
  /** Bedrock extra: apply a Bedrock guardrail. */
  readonly guardrail_config?: GuardrailSettings;
}

/**
 * Everything of a chat request but its model and messages, with function tools only: how to generate. Custom tools
 * become function tools first (custom-tools.ts); the Responses API maps onto it too.
 */
export type GenerationSettings = Omit<ChatRequest, 'model' | 'messages' | 'tools' | 'tool_choice'> & {
  readonly tools?: readonly FunctionTool[];
  readonly tool_choice?: ToolChoice;
};

// Union types are written as type lists (`["integer", "null"]`), not anyOf: a wrong value then fails with one
// error naming every allowed type, where anyOf's first error (the one reported) names only its first branch.
const nullable = (type: string, rest: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...rest });

const contentPart = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string' },
    text: { type: 'string' },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string', minLength: 1 }, detail: { type: 'string' } },
    },
  },
};

// The type is checked first (allOf runs in order, before the branches), so an unknown type is the error reported.
const toolCall = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
  allOf: [{ properties: { type: { enum: ['function', 'custom'] } } }, {
    if: { required: ['type'], properties: { type: { const: 'custom' } } },
    then: {
      required: ['custom'],
      properties: {
        custom: { type: 'object', required: ['name', 'input'], properties: { name: { type: 'string', minLength: 1 }, input: { type: 'string' } } },
      },
    },
    else: {
      required: ['function'],
      properties: {
        function: {
          type: 'object',
          required: ['name', 'arguments'],
          properties: { name: { type: 'string', minLength: 1 }, arguments: { type: 'string' } },
        },
      },
    },
  }],
};

/** `content` present and not null: required of every role but an assistant turn that calls tools (as OpenAI does). */
const requiredContent = { required: ['content'], properties: { content: { type: ['string', 'array'] } } };

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
    content: { type: ['string', 'array', 'null'], items: contentPart, maxItems: LIMITS.contentParts },
    name: { type: 'string' },
    tool_calls: { type: 'array', items: toolCall },
    tool_call_id: { type: 'string' },
  },
  if: { properties: { role: { const: 'assistant' } }, required: ['tool_calls'] },
  else: requiredContent,
};

/** Bedrock's tool name rule, which is also OpenAI's function name rule. */
const toolName = { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' };

const tool = {
  type: 'object',
  allOf: [{ required: ['type'], properties: { type: { enum: ['function', 'custom'] } } }, {
    if: { properties: { type: { const: 'custom' } } },
    then: {
      required: ['custom'],
      properties: {
        custom: {
          type: 'object',
          required: ['name'],
          properties: {
            name: toolName,
            description: { type: 'string' },
            format: {
              type: 'object',
              required: ['type'],
              properties: {
                type: { enum: ['text', 'grammar'] },
                grammar: { type: 'object', required: ['syntax', 'definition'], properties: { syntax: { type: 'string' }, definition: { type: 'string' } } },
              },
              if: { properties: { type: { const: 'grammar' } } },
              then: { required: ['grammar'] },
            },
          },
        },
      },
    },
    else: {
      required: ['function'],
      properties: {
        function: {
          type: 'object',
          required: ['name'],
          properties: { name: toolName, description: { type: 'string' }, parameters: { type: 'object' }, strict: nullable('boolean') },
        },
      },
    },
  }],
};

/** Ajv schema of the request body; errors name the failing field. Unknown fields are accepted. */
export const chatRequestSchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: modelNameSchema,
    messages: { type: 'array', minItems: 1, maxItems: LIMITS.messages, items: message },
    max_tokens: nullable('integer', { minimum: 1 }),
    max_completion_tokens: nullable('integer', { minimum: 1 }),
    temperature: nullable('number', { minimum: 0, maximum: 2 }),
    top_p: nullable('number', { minimum: 0, maximum: 1 }),
    n: nullable('integer'),
    stop: { type: ['string', 'array', 'null'], items: { type: 'string' }, maxItems: LIMITS.stopSequences },
    stream: nullable('boolean'),
    stream_options: nullable('object', { properties: { include_usage: { type: 'boolean' } } }),
    tools: { type: 'array', items: tool, maxItems: LIMITS.tools },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        {
          type: 'object',
          required: ['type', 'function'],
          properties: {
            type: { const: 'function' },
            function: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          },
        },
        {
          type: 'object',
          required: ['type', 'custom'],
          properties: {
            type: { const: 'custom' },
            custom: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          },
        },
      ],
    },
    parallel_tool_calls: { type: 'boolean' },
    response_format: {
      type: 'object',
      required: ['type'],
      if: { properties: { type: { const: 'json_schema' } } },
      then: { required: ['json_schema'] },
      properties: {
        type: { enum: ['text', 'json_object', 'json_schema'] },
        json_schema: {
          type: 'object',
          required: ['name'],
          // The schema becomes a Bedrock tool of this name (structured-output.ts).
          properties: { name: toolName, description: { type: 'string' }, schema: { type: 'object' }, strict: nullable('boolean') },
        },
      },
    },
    reasoning_effort: { enum: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', null] },
    user: { type: 'string' },
    service_tier: { enum: ['auto', 'default', 'flex', 'scale', 'priority', null] },
    prompt_cache: { type: ['boolean', 'object'], properties: { ttl: { enum: ['5m', '1h'] } } },
    performance_config: { type: 'object', required: ['latency'], properties: { latency: { enum: ['standard', 'optimized'] } } },
    additional_model_request_fields: { type: 'object' },
    guardrail_config: {
      type: 'object',
      required: ['guardrail_identifier', 'guardrail_version'],
      properties: {
        guardrail_identifier: { type: 'string', minLength: 1 },
        guardrail_version: { type: 'string', minLength: 1 },
        trace: { enum: ['enabled', 'disabled', 'enabled_full'] },
      },
    },
  },
} as const;
