import { GenerationSettings, ResponseFormat } from '../chat/chat-request';
import { customToolAsFunction } from '../chat/custom-tools';
import { OpenAIError } from '../errors';
import { ResponsesRequest, TextFormat } from './responses-request';

/**
 * The Responses request's generation fields as the settings the Converse request is assembled from (the same as
 * chat's): `max_output_tokens`, sampling, function and custom tools and `tool_choice`, `text.format`, `reasoning.effort`.
 */
export function toGenerationSettings(request: ResponsesRequest): GenerationSettings {
  const choice = request.tool_choice;
  return {
    max_completion_tokens: request.max_output_tokens,
    temperature: request.temperature,
    top_p: request.top_p,
    tools: (request.tools ?? []).map((tool, i) => {
      if (tool.type === 'custom') return customToolAsFunction({ ...tool, grammar: tool.format?.type === 'grammar' ? tool.format : undefined });
      if (tool.type !== 'function') {
        const message = `Tool type "${(tool as { type: string }).type}" is not supported; the gateway serves function and custom tools`;
        throw OpenAIError.invalidRequest(message, `tools[${i}].type`, 'unsupported_tool');
      }
      const { name, description, parameters } = tool;
      return { type: 'function' as const, function: { name, ...(description ? { description } : {}), ...(parameters ? { parameters } : {}) } };
    }),
    tool_choice: typeof choice === 'object' ? { type: 'function', function: { name: choice.name } } : choice,
    response_format: responseFormat(request.text?.format),
    reasoning_effort: request.reasoning?.effort,
    service_tier: request.service_tier,
  };
}

function responseFormat(format: TextFormat | undefined): ResponseFormat | undefined {
  if (format?.type !== 'json_schema') return format ? { type: format.type } : undefined;
  const { name, description, schema, strict } = format;
  return { type: 'json_schema', json_schema: { name: name!, ...(description ? { description } : {}), schema, strict } };
}
