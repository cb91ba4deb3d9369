import { ChatRequest, FunctionTool, GenerationSettings } from './chat-request';

/** A custom (free-form) tool as both APIs declare it: its input is text, optionally in a grammar, not JSON arguments. */
export interface CustomToolSpec {
  readonly name: string;
  readonly description?: string | null;
  readonly grammar?: { readonly syntax: string; readonly definition: string };
}

/**
 * A custom tool as the function tool Bedrock is given: one string argument, `input`, whose description carries the
 * tool's grammar, so the model writes text in that format (Bedrock constrains tool input by JSON schema only). Codex
 * CLI declares its `apply_patch` tool this way for GPT-5 model names.
 */
export function customToolAsFunction(tool: CustomToolSpec): FunctionTool {
  const format = tool.grammar ? `Text in this ${tool.grammar.syntax} grammar:\n${tool.grammar.definition}` : 'Free-form text.';
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: {
        type: 'object',
        properties: { input: { type: 'string', description: `The tool's whole input. ${format}` } },
        required: ['input'],
        additionalProperties: false,
      },
    },
  };
}

/** A custom tool call's text as the tool input Bedrock takes and returns: its one argument. */
export function customToolUseInput(text: string): { input: string } {
  return { input: text };
}

/** A custom tool call's text from the tool input Bedrock returned (`{"input": "…"}`). */
export function customToolInput(input: unknown): string {
  const text = (input as { input?: unknown } | null | undefined)?.input;
  return typeof text === 'string' ? text : '';
}

/** A custom tool call's text from the tool input Bedrock streamed as JSON text; empty when that was cut short. */
export function streamedCustomToolInput(json: string): string {
  try {
    return customToolInput(JSON.parse(json));
  } catch {
    return '';
  }
}

/** The chat request's generation settings with its custom tools (and a `tool_choice` naming one) as function tools. */
export function chatGenerationSettings(request: ChatRequest): GenerationSettings {
  const choice = request.tool_choice;
  return {
    ...request,
    tools: request.tools?.map((tool) => (tool.type === 'custom'
      ? customToolAsFunction({ ...tool.custom, grammar: tool.custom.format?.type === 'grammar' ? tool.custom.format.grammar : undefined })
      : tool)),
    tool_choice: typeof choice === 'object' && choice.type === 'custom' ? { type: 'function', function: { name: choice.custom.name } } : choice,
  };
}

/** The names of the chat request's custom tools, whose calls are answered as `custom` tool calls. */
export function chatCustomToolNames(request: ChatRequest): ReadonlySet<string> {
  return new Set((request.tools ?? []).flatMap((tool) => (tool.type === 'custom' ? [tool.custom.name] : [])));
}
