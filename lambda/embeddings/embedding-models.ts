/** One InvokeModel call of an embedding model: its body, and how to read vectors out of the answer. */
export interface EmbeddingCall {
  readonly body: unknown;
  /** Vectors in input order, and the input tokens when the body reports them. */
  parse(response: any): { vectors: number[][]; inputTokens?: number };
}

/** How one embedding model family is called. */
export interface EmbeddingModel {
  /** The family, for messages. */
  readonly family: string;
  /** Allowed `dimensions`; the first is the default. */
  readonly dimensions: readonly number[];
  /** The InvokeModel calls for these texts (one per batch or per text, depending on the model). */
  calls(texts: string[], dimensions: number, extras: { inputType?: string }): EmbeddingCall[];
}

const COHERE_BATCH = 96;

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const cohereV3: EmbeddingModel = {
  family: 'Cohere Embed v3',
  dimensions: [1024],
  calls: (texts, _dimensions, extras) => batches(texts, COHERE_BATCH).map((batch) => ({
    body: { texts: batch, input_type: extras.inputType ?? 'search_document', truncate: 'END' },
    parse: (r) => ({ vectors: Array.isArray(r.embeddings) ? r.embeddings : r.embeddings.float }),
  })),
};

const cohereV4: EmbeddingModel = {
  family: 'Cohere Embed v4',
  dimensions: [1536, 1024, 512, 256],
  calls: (texts, dimensions, extras) => batches(texts, COHERE_BATCH).map((batch) => ({
    body: { texts: batch, input_type: extras.inputType ?? 'search_document', truncate: 'RIGHT', embedding_types: ['float'], output_dimension: dimensions },
    parse: (r) => ({ vectors: r.embeddings.float }),
  })),
};

const titanV1: EmbeddingModel = {
  family: 'Titan Text Embeddings v1',
  dimensions: [1536],
  calls: (texts) => texts.map((inputText) => ({
    body: { inputText },
    parse: (r) => ({ vectors: [r.embedding], inputTokens: r.inputTextTokenCount }),
  })),
};

const titanV2: EmbeddingModel = {
  family: 'Titan Text Embeddings v2',
  dimensions: [1024, 512, 256],
  calls: (texts, dimensions) => texts.map((inputText) => ({
    body: { inputText, dimensions, normalize: true },
    parse: (r) => ({ vectors: [r.embedding], inputTokens: r.inputTextTokenCount }),
  })),
};

const novaMultimodal: EmbeddingModel = {
  family: 'Nova Multimodal Embeddings',
  dimensions: [3072, 1024, 384, 256],
  calls: (texts, dimensions) => texts.map((value) => ({
    body: {
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', embeddingDimension: dimensions, text: { truncationMode: 'END', value } },
    },
    parse: (r) => ({ vectors: [r.embeddings[0].embedding] }),
  })),
};

const FAMILIES: ReadonlyArray<readonly [RegExp, EmbeddingModel]> = [
  [/^cohere\.embed-(english|multilingual)-v3/, cohereV3],
  [/^cohere\.embed-v4/, cohereV4],
  [/^amazon\.titan-embed-text-v1/, titanV1],
  [/^amazon\.titan-embed-text-v2/, titanV2],
  [/^amazon\.nova-2-multimodal-embeddings/, novaMultimodal],
];

/** Model ids the gateway can embed with, for error messages. */
export const SUPPORTED_EMBEDDING_MODELS = 'cohere.embed-english-v3, cohere.embed-multilingual-v3, cohere.embed-v4:0, '
  + 'amazon.titan-embed-text-v1, amazon.titan-embed-text-v2:0, amazon.nova-2-multimodal-embeddings-v1:0';

/** The family of a model id, foundation-model ARN or cross-region profile id (`us.cohere.embed-v4:0`). */
export function embeddingModelFor(modelId: string): EmbeddingModel | undefined {
  const bare = modelId.replace(/^arn:aws[\w-]*:bedrock:[^:]*:[^:]*:(foundation-model|inference-profile)\//, '').replace(/^(us|eu|apac|global|us-gov|jp|au|ca)\./, '');
  return FAMILIES.find(([pattern]) => pattern.test(bare))?.[1];
}
