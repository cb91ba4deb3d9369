import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';

/** A JSON InvokeModel answer with the input token count Bedrock reports in a response header. */
export interface InvokeJsonResult {
  readonly body: any;
  /** From `X-Amzn-Bedrock-Input-Token-Count`; undefined when absent. */
  readonly inputTokens?: number;
}

/** InvokeModel with a JSON body; reads the token-count header that the SDK does not model. */
export async function invokeJson(
  runtime: BedrockRuntimeClient, modelId: string, body: unknown, abortSignal?: AbortSignal,
): Promise<InvokeJsonResult> {
  const command = new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) });
  let headers: Record<string, string> = {};
  command.middlewareStack.add((next) => async (args) => {
    const result = await next(args);
    headers = (result.response as { headers?: Record<string, string> }).headers ?? {};
    return result;
  }, { step: 'deserialize', name: 'captureTokenCountHeader' });
  const out = await runtime.send(command, { abortSignal });
  const count = headers['x-amzn-bedrock-input-token-count'];
  return { body: JSON.parse(Buffer.from(out.body).toString('utf8')), inputTokens: count === undefined ? undefined : Number(count) };
}
