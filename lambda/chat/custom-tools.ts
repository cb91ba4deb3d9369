import { ResponsesCustomTool, ResponsesRequest, ResponsesTool } from './responses-request';
import { FunctionTool } from '../chat/chat-request';

/**
 * A custom tool as the function tool Bedrock is given: one string argument, `input`, whose description carries the
 * tool's grammar, so the model writes text in that format (Bedrock constrains tool input by JSON schema only). Codex
 * CLI declares its `apply_patch` tool this way for GPT-5 model names.
 */
export function customToolAsFunction(tool: ResponsesCustomTool): FunctionTool {
  const format = tool.format?.type === 'grammar'
    ? `Text in this ${tool.format.syntax} grammar:\n${tool.format.definition}`
    : 'Free-form text.';
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

/** The names of the request's custom tools, whose calls are answered as `custom_tool_call` items. */
export function customToolNames(request: ResponsesRequest): ReadonlySet<string> {
  return new Set((request.tools ?? []).filter((tool: ResponsesTool) => tool.type === 'custom').map((tool) => tool.name));
}

/** A custom tool call's text from the tool input Bedrock returned (`{"input": "…"}`). */
export function customToolInput(input: unknown): string {
  const text = (input as { input?: unknown } | null | undefined)?.input;
  return typeof text === 'string' ? text : '';
}
