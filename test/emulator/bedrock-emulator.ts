import { randomUUID } from 'node:crypto';
import { createServer as createHttp1Server, IncomingMessage, Server as Http1Server, ServerResponse } from 'node:http';
import { constants as h2, createServer as createHttp2Server, Http2Server, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { DEFAULT_MODELS, DEFAULT_PROFILES, EMULATOR_REGION, modelArn, profileArn } from './default-catalog';
import { DefaultHandlers } from './default-handlers';
import {
  ConverseHandler, ConverseStreamHandler, EmulatedError, EmulatedModel, EmulatedProfile, EmulatorCall, InvokeHandler, StreamStep,
} from './types';
import { errorStatus, eventFrame, exceptionFrame } from './wire';

export * from './types';
export { DEFAULT_MODELS, DEFAULT_PROFILES, SONNET_45 } from './default-catalog';
export { countTokens, echoText, fakeEmbedding, splitText } from './default-handlers';

export interface EmulatorOptions {
  /** Foundation models served by ListFoundationModels; defaults to a representative set. */
  readonly models?: EmulatedModel[];
  /** Inference profiles served by ListInferenceProfiles; defaults to us./eu./apac./global. and one application profile. */
  readonly profiles?: EmulatedProfile[];
  /** Largest ListInferenceProfiles page, whatever maxResults asks for (exercises pagination). */
  readonly profilePageSize?: number;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

const PREFACE = 'PRI * HTTP/2.0';

/** An operation matched from method and path. */
interface Route {
  readonly operation: string;
  readonly modelId?: string;
  readonly run: (res: Response, call: EmulatorCall) => Promise<void>;
}

/**
 * A local Amazon Bedrock (runtime and control plane) for tests, reached by the real AWS SDK clients through an
 * endpoint override. One port speaks cleartext HTTP/2 with prior knowledge (the bedrock-runtime client's default
 * handler) and HTTP/1.1. Replies can be scripted per test; every request is recorded in `calls`.
 */
export class BedrockEmulator {
  static async start(options: EmulatorOptions = {}): Promise<BedrockEmulator> {
    const emulator = new BedrockEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.tcp.once('error', reject);
      emulator.tcp.listen(0, '127.0.0.1', () => resolve());
    });
    return emulator;
  }

  /** Every request received, in order. */
  readonly calls: EmulatorCall[] = [];
  readonly models: EmulatedModel[];
  readonly profiles: EmulatedProfile[];

  private readonly defaults: DefaultHandlers;
  private converseHandler!: ConverseHandler;
  private streamHandler!: ConverseStreamHandler;
  private invokeHandler!: InvokeHandler;
  private readonly tcp: TcpServer;
  private readonly http1: Http1Server;
  private readonly http2: Http2Server;
  private readonly sockets = new Set<Socket>();
  private readonly failures = new Map<string, EmulatedError>();

  private constructor(private readonly options: EmulatorOptions) {
    this.models = options.models ?? DEFAULT_MODELS;
    this.profiles = options.profiles ?? DEFAULT_PROFILES;
    this.defaults = new DefaultHandlers(this.models, this.profiles);
    this.reset();
    const handle = (req: Request, res: Response) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) this.sendError(res, { type: 'InternalServerException', message: String(err?.message ?? err) });
        else res.destroy?.();
      });
    };
    this.http1 = createHttp1Server(handle);
    this.http2 = createHttp2Server(handle);
    // Route each connection by its first bytes: the HTTP/2 connection preface, or HTTP/1.1.
    this.tcp = createTcpServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.once('data', (chunk) => {
        socket.pause();
        socket.unshift(chunk);
        if (chunk.toString('latin1', 0, PREFACE.length) === PREFACE) {
          // http2 reads the socket's handle directly and would miss the unshifted preface; a JS duplex keeps it.
          this.http2.emit('connection', Duplex.from({ readable: socket, writable: socket }));
        } else {
          this.http1.emit('connection', socket);
          socket.resume();
        }
      });
    });
  }

  /** http://127.0.0.1:<port> */
  get endpoint(): string {
    const address = this.tcp.address();
    if (address === null || typeof address === 'string') throw new Error('emulator is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Settings for real AWS SDK clients (bedrock-runtime and bedrock): endpoint, region, dummy credentials. */
  get clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.endpoint, region: EMULATOR_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  }

  /**
   * Environment for a process configured only by environment, as deployed: region, dummy credentials and the
   * AWS_ENDPOINT_URL_* variables the AWS SDK reads for bedrock-runtime and bedrock.
   */
  get environment(): Record<string, string> {
    const { endpoint, region, credentials } = this.clientConfig;
    return {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoint,
      AWS_ENDPOINT_URL_BEDROCK: endpoint,
    };
  }

  /** Calls of one operation, e.g. `callsTo('ConverseStream')`. */
  callsTo(operation: string): EmulatorCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  onConverse(handler: ConverseHandler): void {
    this.converseHandler = handler;
  }

  onConverseStream(handler: ConverseStreamHandler): void {
    this.streamHandler = handler;
  }

  onInvokeModel(handler: InvokeHandler): void {
    this.invokeHandler = handler;
  }

  /** Makes every call of an operation (e.g. 'ListFoundationModels') fail with this error until reset. */
  failOperation(operation: string, error: EmulatedError): void {
    this.failures.set(operation, error);
  }

  /** Clears recorded calls, failures and restores the default handlers. */
  reset(): void {
    this.calls.length = 0;
    this.failures.clear();
    this.converseHandler = this.defaults.converse;
    this.streamHandler = this.defaults.converseStream;
    this.invokeHandler = this.defaults.invokeModel;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    this.http1.close();
    this.http2.close();
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return this.sendError(res, { type: 'ValidationException', message: 'Malformed input request, please reformat your input and try again.' });
    }
    const route = this.route(req.method ?? 'GET', segments);
    const call: EmulatorCall = {
      operation: route?.operation ?? 'Unknown',
      modelId: route?.modelId,
      body,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      httpVersion: req.httpVersion === '2.0' ? 'HTTP/2' : `HTTP/${req.httpVersion}`,
      closedByClient: false,
    };
    this.calls.push(call);
    res.on('close', () => {
      if (!res.writableFinished) call.closedByClient = true;
    });
    if (!route) return this.sendError(res, { type: 'UnknownOperationException', status: 404, message: `No operation at ${req.method} ${url.pathname}` });
    const failure = this.failures.get(route.operation);
    if (failure) return this.sendError(res, failure);
    await route.run(res, call);
  }

  private route(method: string, path: string[]): Route | undefined {
    const [root, id, action] = path;
    if (method === 'POST' && root === 'model' && id && path.length === 3) {
      const operation = { 'converse': 'Converse', 'converse-stream': 'ConverseStream', 'invoke': 'InvokeModel' }[action];
      if (!operation) return undefined;
      const run = {
        Converse: (res: Response, call: EmulatorCall) => this.converse(res, call),
        ConverseStream: (res: Response, call: EmulatorCall) => this.converseStream(res, call),
        InvokeModel: (res: Response, call: EmulatorCall) => this.invokeModel(res, call),
      }[operation]!;
      return { operation, modelId: id, run };
    }
    if (method !== 'GET') return undefined;
    if (root === 'foundation-models' && path.length === 1) return { operation: 'ListFoundationModels', run: async (res, call) => this.listModels(res, call) };
    if (root === 'foundation-models' && path.length === 2) return { operation: 'GetFoundationModel', modelId: id, run: async (res) => this.getModel(res, id) };
    if (root === 'inference-profiles' && path.length === 1) return { operation: 'ListInferenceProfiles', run: async (res, call) => this.listProfiles(res, call) };
    if (root === 'inference-profiles' && path.length === 2) return { operation: 'GetInferenceProfile', modelId: id, run: async (res) => this.getProfile(res, id) };
    return undefined;
  }

  private async converse(res: Response, call: EmulatorCall): Promise<void> {
    const reply = await this.converseHandler({ modelId: call.modelId!, body: call.body });
    if (reply.delayMs) await sleep(reply.delayMs);
    if (reply.hangUp) return hangUp(res);
    if (reply.error) return this.sendError(res, reply.error);
    this.sendJson(res, 200, reply.output ?? {});
  }

  private async invokeModel(res: Response, call: EmulatorCall): Promise<void> {
    const reply = await this.invokeHandler({ modelId: call.modelId!, body: call.body });
    if (reply.delayMs) await sleep(reply.delayMs);
    if (reply.error) return this.sendError(res, reply.error);
    this.sendJson(res, 200, reply.body ?? {}, reply.headers);
  }

  private async converseStream(res: Response, call: EmulatorCall): Promise<void> {
    const reply = await this.streamHandler({ modelId: call.modelId!, body: call.body });
    if ('error' in reply) return this.sendError(res, reply.error);
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
    for await (const step of reply as Iterable<StreamStep> | AsyncIterable<StreamStep>) {
      if (call.closedByClient) return;
      if ('delayMs' in step) {
        await sleep(step.delayMs);
      } else if ('hangUp' in step) {
        return hangUp(res);
      } else if ('exception' in step) {
        res.end(exceptionFrame(step.exception.type, step.exception.message));
        return;
      } else {
        const [eventType, payload] = Object.entries(step.event)[0];
        (res as ServerResponse).write(eventFrame(eventType, payload));
      }
    }
    res.end();
  }

  private listModels(res: Response, call: EmulatorCall): void {
    const q = call.query;
    const summaries = this.models
      .filter((m) => !q.byOutputModality || m.outputModalities.includes(q.byOutputModality))
      .filter((m) => !q.byInferenceType || (m.inferenceTypesSupported ?? ['ON_DEMAND']).includes(q.byInferenceType))
      .filter((m) => !q.byProvider || m.providerName.toLowerCase() === q.byProvider.toLowerCase())
      .map(modelSummary);
    this.sendJson(res, 200, { modelSummaries: summaries });
  }

  private getModel(res: Response, id: string): void {
    const model = this.models.find((m) => m.modelId === id || modelArn(m.modelId) === id);
    if (!model) return this.sendError(res, { type: 'ResourceNotFoundException', message: 'The specified model identifier is not supported.' });
    this.sendJson(res, 200, { modelDetails: modelSummary(model) });
  }

  private listProfiles(res: Response, call: EmulatorCall): void {
    const type = call.query.type ?? 'SYSTEM_DEFINED';
    const matching = this.profiles.filter((p) => p.type === type);
    const pageSize = Math.min(Number(call.query.maxResults ?? 1000), this.options.profilePageSize ?? 1000);
    const start = Number(call.query.nextToken ?? 0);
    const page = matching.slice(start, start + pageSize).map((p) => this.profileSummary(p));
    const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
    this.sendJson(res, 200, { inferenceProfileSummaries: page, ...(next ? { nextToken: next } : {}) });
  }

  private getProfile(res: Response, id: string): void {
    const profile = this.profiles.find((p) => p.inferenceProfileId === id || profileArn(p) === id);
    if (!profile) return this.sendError(res, { type: 'ResourceNotFoundException', message: 'Inference profile not found.' });
    this.sendJson(res, 200, this.profileSummary(profile));
  }

  private profileSummary(p: EmulatedProfile): Record<string, unknown> {
    return {
      inferenceProfileName: p.inferenceProfileName ?? p.inferenceProfileId,
      description: `Routes requests to ${p.modelIds.join(', ')}`,
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
      inferenceProfileArn: profileArn(p),
      models: p.modelIds.map((id) => ({ modelArn: modelArn(id) })),
      inferenceProfileId: p.inferenceProfileId,
      status: 'ACTIVE',
      type: p.type,
    };
  }

  private sendJson(res: Response, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const body = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...headers });
    res.end(body);
  }

  /** A modelled error exactly as Bedrock sends it: status, `x-amzn-ErrorType` and `{"message"}`. */
  private sendError(res: Response, error: EmulatedError): void {
    this.sendJson(res, error.status ?? errorStatus(error.type), { message: error.message }, { 'x-amzn-ErrorType': error.type });
  }
}

function modelSummary(m: EmulatedModel): Record<string, unknown> {
  return {
    modelArn: modelArn(m.modelId),
    modelId: m.modelId,
    modelName: m.modelName ?? m.modelId,
    providerName: m.providerName,
    inputModalities: m.inputModalities,
    outputModalities: m.outputModalities,
    responseStreamingSupported: m.responseStreamingSupported ?? false,
    customizationsSupported: [],
    inferenceTypesSupported: m.inferenceTypesSupported ?? ['ON_DEMAND'],
    modelLifecycle: { status: m.lifecycleStatus ?? 'ACTIVE' },
  };
}

function readBody(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Ends the response without a clean finish, once what was written has been sent: an HTTP/2 stream reset, or a
 * TCP reset of the HTTP/1.1 connection.
 */
function hangUp(res: Response): void {
  if (res instanceof Http2ServerResponse) {
    res.stream.close(h2.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  const socket = res.socket;
  if (socket) socket.write('', () => socket.resetAndDestroy());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
