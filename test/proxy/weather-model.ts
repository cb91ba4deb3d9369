import { ModelRequest } from '../emulator/bedrock-emulator';

/**
 * A Bedrock model for client tool loops: it calls the `weather` tool (id `toolUseId`) for Paris, then answers from the
 * tool's result once that comes back.
 */
export function weatherModel(toolUseId: string) {
  return ({ body }: ModelRequest) => {
    const result = body.messages.at(-1).content.find((b: any) => b.toolResult)?.toolResult.content[0].text;
    const content = result ? [{ text: `The tool says: ${result}` }] : [{ toolUse: { toolUseId, name: 'weather', input: { city: 'Paris' } } }];
    return {
      output: {
        output: { message: { role: 'assistant', content } },
        stopReason: result ? 'end_turn' : 'tool_use',
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        metrics: { latencyMs: 1 },
      },
    };
  };
}
