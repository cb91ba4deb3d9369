import { ResponsesRequest, ResponsesTool } from './responses-request';

/** The names of the request's custom tools, whose calls are answered as `custom_tool_call` items. */
export function customToolNames(request: ResponsesRequest): ReadonlySet<string> {
  return new Set((request.tools ?? []).filter((tool: ResponsesTool) => tool.type === 'custom').map((tool) => tool.name));
}
