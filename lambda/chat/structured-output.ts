import { OutputConfig, ToolSpecification } from '@aws-sdk/client-bedrock-runtime';
import { ResponseFormat } from './chat-request';
import { supportsNativeStructuredOutput } from '../bedrock/model-capabilities';
import { checkSchemaSize } from '../request-limits';

/**
 * `response_format` json_object / json_schema as a tool the model is made to call: Bedrock returns
 * tool input as parsed JSON matching the tool's input schema, so the reply is valid JSON by
 * construction. The mappers turn that tool call back into the message content. This is the fallback
 * for models without native structured output (nativeOutputConfig).
 */
export interface StructuredOutput {
  /** Name of the tool whose input is the answer. */
  readonly toolName: string;
  readonly spec: ToolSpecification;
}

/**
 * `response_format` json_schema as Converse's native `outputConfig.textFormat`, on models that support it: the
 * text answer is the JSON, and thinking may stay on. Undefined for other formats and models.
 */
export function nativeOutputConfig(format: ResponseFormat | undefined, modelId: string): OutputConfig | undefined {
  if (format?.type !== 'json_schema' || !format.json_schema || !supportsNativeStructuredOutput(modelId)) return undefined;
  const { name, description, schema } = format.json_schema;
  return {
    textFormat: {
      type: 'json_schema',
      structure: { jsonSchema: { name, ...(description ? { description } : {}), schema: JSON.stringify(schema ?? { type: 'object' }) } },
    },
  };
}

export function structuredOutput(format: ResponseFormat | undefined): StructuredOutput | undefined {
  if (format?.type === 'json_schema' && format.json_schema) {
    const { name, description, schema } = format.json_schema;
    checkSchemaSize(schema, 'response_format.json_schema.schema');
    return {
      toolName: name,
      spec: {
        name,
        description: description || `Give your final answer as the input of this tool; it must match the ${name} schema.`,
        inputSchema: { json: (schema ?? { type: 'object' }) as never },
      },
    };
  }
  if (format?.type === 'json_object') {
    return {
      toolName: 'json_object',
      spec: {
        name: 'json_object',
        description: 'Give your final answer as a JSON object: the input of this tool.',
        inputSchema: { json: { type: 'object' } },
      },
    };
  }
  return undefined;
}
