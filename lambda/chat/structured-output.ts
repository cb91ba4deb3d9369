import { ToolSpecification } from '@aws-sdk/client-bedrock-runtime';
import { ResponseFormat } from './chat-request';
import { checkSchemaSize } from '../request-limits';

/**
 * `response_format` json_object / json_schema as a tool the model is made to call: Bedrock returns
 * tool input as parsed JSON matching the tool's input schema, so the reply is valid JSON by
 * construction. The mappers turn that tool call back into the message content.
 */
export interface StructuredOutput {
  /** Name of the tool whose input is the answer. */
  readonly toolName: string;
  readonly spec: ToolSpecification;
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
