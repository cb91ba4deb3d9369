/** Types shared by the Bedrock emulator and the tests that script it. */

/** A Bedrock modelled error, returned with its HTTP status, `x-amzn-ErrorType` header and `{"message"}` body. */
export interface EmulatedError {
  /** Bedrock's error name, e.g. "ThrottlingException". */
  readonly type: string;
  /** HTTP status Bedrock uses for it; defaults from the type when omitted. */
  readonly status?: number;
  readonly message: string;
}

/** A foundation model as ListFoundationModels reports it. */
export interface EmulatedModel {
  readonly modelId: string;
  readonly providerName: string;
  readonly modelName?: string;
  readonly inputModalities: string[];
  readonly outputModalities: string[];
  readonly responseStreamingSupported?: boolean;
  /** ON_DEMAND and/or INFERENCE_PROFILE (newer models are profile-only). */
  readonly inferenceTypesSupported?: string[];
  /** ACTIVE or LEGACY. */
  readonly lifecycleStatus?: string;
}

/** An inference profile as ListInferenceProfiles reports it. */
export interface EmulatedProfile {
  /** `us.anthropic…` for system-defined profiles; an opaque id for application profiles. */
  readonly inferenceProfileId: string;
  readonly inferenceProfileName?: string;
  /** SYSTEM_DEFINED or APPLICATION. */
  readonly type: string;
  /** Model ids the profile routes to. */
  readonly modelIds: string[];
  /** Defaults to an ARN built from the id and type. */
  readonly inferenceProfileArn?: string;
}

/** What a scripted Converse handler returns. */
export interface ConverseReply {
  /** The Converse response body exactly as Bedrock returns it (output, stopReason, usage, metrics…). */
  readonly output?: Record<string, unknown>;
  /** Fail with this Bedrock error instead. */
  readonly error?: EmulatedError;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Destroy the connection instead of answering (after `delayMs`). */
  readonly hangUp?: boolean;
}

/** What a scripted InvokeModel handler returns. */
export interface InvokeReply {
  /** The model's JSON response body. */
  readonly body?: unknown;
  /** Extra response headers, e.g. X-Amzn-Bedrock-Input-Token-Count. */
  readonly headers?: Record<string, string>;
  readonly error?: EmulatedError;
  readonly delayMs?: number;
}

/**
 * One step of a ConverseStream response:
 * - `event`: one event frame, e.g. `{ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hi' } } }`;
 * - `exception`: a modelled exception frame (`:message-type: exception`), which ends the stream;
 * - `delayMs`: a pause between frames;
 * - `hangUp`: the connection is destroyed without a clean end.
 */
export type StreamStep =
  | { readonly event: Record<string, unknown> }
  | { readonly exception: { readonly type: string; readonly message: string } }
  | { readonly delayMs: number }
  | { readonly hangUp: true };

/** What a scripted ConverseStream handler returns: the steps, or an error before the stream starts. */
export type StreamReply = StreamStep[] | AsyncIterable<StreamStep> | { readonly error: EmulatedError };

/** A model request as handlers see it. */
export interface ModelRequest {
  /** The model id from the path, URL-decoded (ARNs keep their `/` and `:`). */
  readonly modelId: string;
  /** The parsed JSON request body. */
  readonly body: any;
}

/** One request the emulator received. */
export interface EmulatorCall {
  /** Converse, ConverseStream, InvokeModel, ListFoundationModels, GetFoundationModel, ListInferenceProfiles, GetInferenceProfile. */
  readonly operation: string;
  readonly modelId?: string;
  /** Parsed JSON body (undefined for GET). */
  readonly body: any;
  /** Query string parameters. */
  readonly query: Record<string, string>;
  readonly headers: Record<string, string | string[] | undefined>;
  /** 'HTTP/2' or 'HTTP/1.1'. */
  readonly httpVersion: string;
  /** Set when the client closed the connection before the response finished (e.g. an aborted stream). */
  closedByClient: boolean;
}

export type ConverseHandler = (req: ModelRequest) => ConverseReply | Promise<ConverseReply>;
export type ConverseStreamHandler = (req: ModelRequest) => StreamReply | Promise<StreamReply>;
export type InvokeHandler = (req: ModelRequest) => InvokeReply | Promise<InvokeReply>;
