import { Message, ToolChoice, ToolConfiguration, ToolSpecification } from '@aws-sdk/client-bedrock-runtime';
import { OpenAIError } from '../errors';
import { checkSchemaSize } from '../request-limits';
import { FunctionTool, GenerationSettings } from './chat-request';
import { hasToolBlocks } from './messages';
import { StructuredOutput } from './structured-output';

export interface ToolConfigContext {
  /** The mapped conversation (tool blocks in it require a toolConfig). */
  readonly messages: readonly Message[];
  /** The response_format tool, if any. */
  readonly structured?: StructuredOutput;
}

/**
 * `tools` → toolSpec list and `tool_choice` → Converse toolChoice: required → any, named → tool,
 * auto → auto. `none` omits tools, except that Converse demands a toolConfig whenever the history
 * holds toolUse/toolResult blocks: then the tools are declared without forcing a choice.
 * A response_format tool is added and forced (or `any` when the client's own tools may answer).
 */
export function toToolConfig(request: GenerationSettings, ctx: ToolConfigContext): ToolConfiguration | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  const structured = ctx.structured;
  if (structured && tools.some((t) => t.function.name === structured.toolName)) {
    throw OpenAIError.invalidRequest(`response_format name "${structured.toolName}" is also a tool name; rename one`, 'response_format.json_schema.name');
  }
  if (typeof choice === 'object' && !tools.some((t) => t.function.name === choice.function.name)) {
    throw OpenAIError.invalidRequest(`tool_choice names "${choice.function.name}", which is not in tools`, 'tool_choice');
  }

  tools.forEach((tool, i) => checkSchemaSize(tool.function.parameters, `tools[${i}].function.parameters`));
  const offered = choice === 'none' ? [] : tools.map(toolSpec);
  const specs = [...offered, ...(structured ? [structured.spec] : [])];
  if (specs.length === 0) {
    if (!hasToolBlocks(ctx.messages)) return undefined;
    const declared = tools.length > 0 ? tools.map(toolSpec) : placeholderSpecs(ctx.messages);
    return { tools: declared.map((spec) => ({ toolSpec: spec })) };
  }
  return {
    tools: specs.map((spec) => ({ toolSpec: spec })),
    toolChoice: chooseTool(choice, offered.length > 0, structured),
  };
}

/** Whether the request makes the model call a tool (Converse `any` or `tool`), which Claude refuses while it thinks. */
export function forcesToolUse(request: GenerationSettings, structured: StructuredOutput | undefined): boolean {
  const choice = request.tool_choice ?? 'auto';
  if (structured) return true;
  return typeof choice === 'object' || (choice === 'required' && (request.tools ?? []).length > 0);
}

function chooseTool(choice: GenerationSettings['tool_choice'] & {}, clientTools: boolean, structured: StructuredOutput | undefined): ToolChoice {
  if (typeof choice === 'object') return { tool: { name: choice.function.name } };
  if (choice === 'required') return { any: {} };
  if (structured) return clientTools && choice === 'auto' ? { any: {} } : { tool: { name: structured.toolName } };
  return { auto: {} };
}

function toolSpec(tool: FunctionTool): ToolSpecification {
  const { name, description, parameters } = tool.function;
  return {
    name,
    ...(description ? { description } : {}),
    inputSchema: { json: (parameters ?? { type: 'object', properties: {} }) as never },
  };
}

/** Declarations for tools named in the history when the request lists none. */
function placeholderSpecs(messages: readonly Message[]): ToolSpecification[] {
  const names = new Set(messages.flatMap((m) => m.content ?? []).flatMap((b) => (b.toolUse?.name ? [b.toolUse.name] : [])));
  return [...names].map((name) => ({ name, inputSchema: { json: { type: 'object' } } }));
}
