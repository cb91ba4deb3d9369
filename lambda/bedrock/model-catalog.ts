/** A model the gateway can serve: a foundation model or an inference profile. */
export interface ModelInfo {
  /** The id clients send and Bedrock accepts: model id, profile id (`us.…`) or application profile ARN. */
  readonly id: string;
  /** `bedrock`'s provider name, e.g. "Anthropic". */
  readonly provider: string;
  /** Input modalities, e.g. ["TEXT", "IMAGE"]. */
  readonly inputModalities: readonly string[];
  /** Output modalities, e.g. ["TEXT"] or ["EMBEDDING"]. */
  readonly outputModalities: readonly string[];
  /** Whether ConverseStream is supported. */
  readonly streaming: boolean;
  /** Unix seconds the model or profile appeared, when Bedrock says (profiles); otherwise when it was listed. */
  readonly created?: number;
  /**
   * True for a foundation model Bedrock serves only through inference profiles: not listed, but known, so a request
   * naming it reaches Bedrock and gets its explanation (use a profile id) instead of "no such model".
   */
  readonly requiresProfile?: boolean;
}

/** The models Bedrock offers in this region, listed once and cached with a TTL. */
export interface ModelCatalog {
  /** Every model clients can call by its id, from cache when fresh; a request stops waiting when `signal` fires. */
  list(signal?: AbortSignal): Promise<readonly ModelInfo[]>;
  /** One model by id (including those that require a profile), or undefined. */
  find(id: string, signal?: AbortSignal): Promise<ModelInfo | undefined>;
}
