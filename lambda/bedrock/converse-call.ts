import {
  BedrockRuntimeClient, ConverseCommand, ConverseCommandInput, ConverseCommandOutput, ConverseStreamCommand,
  ConverseStreamCommandInput, ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { FastifyRequest } from 'fastify';
import { withIdleTimeout } from './idle-timeout';
import { bedrockModelId } from '../auth/bedrock-model-id';
import { asModelNotFound } from '../chat/model-not-found';
import { recordingStreamUsage, recordUsage } from '../usage/request-usage';

/**
 * A route's Converse call for one request, the same for every route: sent to the key's inference profile when it has
 * one, ended when the client goes away, the request's time is up or a stream stalls, an unknown model answered as
 * OpenAI's 404, and the tokens Bedrock reports recorded for the stages every route shares.
 */
export class ConverseCall {
  private readonly upstream = new AbortController();

  constructor(
    private readonly runtime: BedrockRuntimeClient,
    private readonly request: FastifyRequest,
    /** The model id the client may use (from `requestedModel`). */
    private readonly modelId: string,
    private readonly streamIdleTimeoutMs: number,
  ) {}

  async converse(input: ConverseCommandInput): Promise<ConverseCommandOutput> {
    const output = await this.runtime.send(new ConverseCommand(this.routed(input)), this.options()).catch(this.notFound);
    recordUsage(this.request, output.usage);
    return output;
  }

  /** The stream's events as Bedrock sends them; errors up to the first event are thrown here, as JSON answers. */
  async stream(input: ConverseStreamCommandInput): Promise<AsyncIterable<ConverseStreamOutput>> {
    const response = await this.runtime.send(new ConverseStreamCommand(this.routed(input)), this.options()).catch(this.notFound);
    const stalled = () => this.upstream.abort(new Error('stream stalled'));
    return recordingStreamUsage(this.request, withIdleTimeout(response.stream!, this.streamIdleTimeoutMs, stalled));
  }

  private routed<T extends { modelId: string | undefined }>(input: T): T {
    return { ...input, modelId: bedrockModelId(this.request, this.modelId) };
  }

  private options() {
    return { abortSignal: AbortSignal.any([this.request.upstreamSignal, this.upstream.signal]) };
  }

  private readonly notFound = (err: unknown): never => {
    throw asModelNotFound(err, this.modelId);
  };
}
