import { createHash } from 'node:crypto';
import { Answer, constrainedAnswer, converseRequestError, WireBlock } from './converse-rules';
import { ConverseReply, EmulatedError, EmulatedModel, EmulatedProfile, InvokeReply, ModelRequest, StreamStep } from './types';

/**
 * Default replies: Converse echoes the last user text; ConverseStream sends the same text in a few deltas;
 * InvokeModel answers embedding requests in each model family's own response shape with deterministic vectors.
 * Unknown ids and profile-only models called by bare id fail the way Bedrock does.
 */
export class DefaultHandlers {
  constructor(private readonly models: EmulatedModel[], private readonly profiles: EmulatedProfile[]) {}

  converse = (req: ModelRequest): ConverseReply => {
    const error = this.checkModel(req.modelId) ?? converseRequestError(req.modelId, req.body) ?? checkInputLength(req.body);
    if (error) return { error };
    const answer = answerOf(req.body);
    return {
      output: {
        output: { message: { role: 'assistant', content: answer.blocks } },
        stopReason: answer.stopReason,
        usage: usage(req.body, answerText(answer)),
        metrics: { latencyMs: 12 },
      },
    };
  };

  converseStream = (req: ModelRequest): StreamStep[] | { error: EmulatedError } => {
    const error = this.checkModel(req.modelId) ?? converseRequestError(req.modelId, req.body) ?? checkInputLength(req.body);
    if (error) return { error };
    const answer = answerOf(req.body);
    return [
      { event: { messageStart: { role: 'assistant' } } },
      ...answer.blocks.flatMap((block, contentBlockIndex) => blockEvents(block, contentBlockIndex)),
      { event: { messageStop: { stopReason: answer.stopReason } } },
      { event: { metadata: { usage: usage(req.body, answerText(answer)), metrics: { latencyMs: 12 } } } },
    ];
  };

  invokeModel = (req: ModelRequest): InvokeReply => {
    const error = this.checkModel(req.modelId);
    if (error) return { error };
    return embeddingReply(req.modelId, req.body);
  };

  /** Bedrock's answer for ids it does not know, or for profile-only models called on demand. */
  private checkModel(modelId: string): EmulatedError | undefined {
    const profile = this.profiles.find((p) => p.inferenceProfileId === modelId || p.inferenceProfileArn === modelId
      || modelId.endsWith(`/${p.inferenceProfileId}`));
    if (profile) return undefined;
    const bareId = modelId.replace(/^arn:aws:bedrock:[^:]*::foundation-model\//, '');
    const model = this.models.find((m) => m.modelId === bareId);
    if (!model) return { type: 'ValidationException', message: 'The provided model identifier is invalid.' };
    if (!(model.inferenceTypesSupported ?? ['ON_DEMAND']).includes('ON_DEMAND')) {
      return {
        type: 'ValidationException',
        message: `Invocation of model ID ${bareId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      };
    }
    return undefined;
  }
}

/** A constrained request's answer (converse-rules.ts); otherwise, and after a bare reasoning block, the echo. */
function answerOf(body: any): Answer {
  const constrained = constrainedAnswer(body);
  if (!constrained) {
    const { text, stopReason } = cappedEcho(body);
    return { blocks: [{ text }], stopReason };
  }
  const answered = constrained.blocks.some((b) => b.text !== undefined || b.toolUse);
  return answered ? constrained : { ...constrained, blocks: [...constrained.blocks, { text: echoText(body) }] };
}

function answerText(answer: Answer): string {
  return answer.blocks.map((b) => b.text ?? (b.toolUse ? JSON.stringify(b.toolUse.input) : '')).join(' ');
}

/** ConverseStream events of one content block: text in a few deltas, reasoning text then signature, a tool call's start and input. */
function blockEvents(block: WireBlock, contentBlockIndex: number): StreamStep[] {
  const delta = (d: Record<string, unknown>): StreamStep => ({ event: { contentBlockDelta: { contentBlockIndex, delta: d } } });
  const events: StreamStep[] = [];
  if (block.text !== undefined) events.push(...splitText(block.text).map((text) => delta({ text })));
  if (block.reasoningContent) {
    const { text, signature } = block.reasoningContent.reasoningText;
    events.push(delta({ reasoningContent: { text } }), delta({ reasoningContent: { signature } }));
  }
  if (block.toolUse) {
    const { toolUseId, name, input } = block.toolUse;
    events.push(
      { event: { contentBlockStart: { contentBlockIndex, start: { toolUse: { toolUseId, name } } } } },
      delta({ toolUse: { input: JSON.stringify(input) } }),
    );
  }
  return [...events, { event: { contentBlockStop: { contentBlockIndex } } }];
}

/** Characters of conversation text a model takes: a stand-in for a context window (some hundred thousand tokens). */
export const MAX_INPUT_CHARS = 1_000_000;

/** Characters a reply holds at most: a stand-in for a model's maximum output (some tens of thousands of tokens). */
export const MAX_OUTPUT_CHARS = 100_000;

/** The echo, cut at the maximum output like a model that reached its token limit. */
function cappedEcho(body: any): { text: string; stopReason: string } {
  const text = echoText(body);
  return text.length > MAX_OUTPUT_CHARS ? { text: text.slice(0, MAX_OUTPUT_CHARS), stopReason: 'max_tokens' } : { text, stopReason: 'end_turn' };
}

/** Bedrock's answer to a conversation longer than the model's context window. */
function checkInputLength(body: any): EmulatedError | undefined {
  const blocks = [body?.system ?? [], body?.messages ?? []].flat().flatMap((m: any) => m?.content ?? [m]);
  const chars = blocks.reduce((n: number, b: any) => n + (typeof b?.text === 'string' ? b.text.length : 0), 0);
  return chars > MAX_INPUT_CHARS ? { type: 'ValidationException', message: 'Input is too long for requested model.' } : undefined;
}

/** The text of the last user message (text blocks joined), or a fixed reply when there is none. */
export function echoText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((m) => m?.role === 'user');
  const texts = (lastUser?.content ?? []).filter((b: any) => typeof b?.text === 'string').map((b: any) => b.text);
  return texts.length > 0 ? texts.join('\n') : 'Hello from the emulator.';
}

/** Word count as a stand-in for tokens: deterministic, so tests can predict usage. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function usage(body: any, reply: string): { inputTokens: number; outputTokens: number; totalTokens: number } {
  const inputText = JSON.stringify([body?.system ?? [], body?.messages ?? []]
    .flat().flatMap((m: any) => m?.content ?? [m]).map((b: any) => b?.text ?? ''));
  const inputTokens = countTokens(inputText.replace(/[^\p{L}\p{N}\s]/gu, ' '));
  const outputTokens = countTokens(reply);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

/** Splits text into up to three deltas at word boundaries; concatenated they give the text back. */
export function splitText(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  const size = Math.max(1, Math.ceil(words.length / 3));
  const parts: string[] = [];
  for (let i = 0; i < words.length; i += size) parts.push(words.slice(i, i + size).join(''));
  const leading = text.match(/^\s*/)![0];
  if (parts.length > 0) parts[0] = leading + parts[0];
  return parts.length > 0 ? parts : [text];
}

/** A deterministic unit-length vector for a text, so tests can compute the expected embedding. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  let block = Buffer.alloc(0);
  for (let i = 0; values.length < dimensions; i++) {
    if (i % 8 === 0) block = createHash('sha256').update(`${text}\u0000${i / 8}`).digest();
    values.push((block.readUInt32LE((i % 8) * 4) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...values);
  // Round-trip through float32 so float and base64 (float32) encodings agree exactly.
  return values.map((v) => Math.fround(v / norm));
}

const TITAN_V2_DIMENSIONS = [256, 512, 1024];
const NOVA_DIMENSIONS = [256, 384, 1024, 3072];

function validation(message: string): InvokeReply {
  return { error: { type: 'ValidationException', message } };
}

function tokenHeaders(input: number): Record<string, string> {
  return { 'X-Amzn-Bedrock-Input-Token-Count': String(input), 'X-Amzn-Bedrock-Output-Token-Count': '0' };
}

/** InvokeModel for embedding models, in each family's request and response format. */
export function embeddingReply(modelId: string, body: any): InvokeReply {
  const id = modelId.replace(/^.*foundation-model\//, '').replace(/^(us|eu|apac|global)\./, '');
  if (id.startsWith('cohere.embed')) {
    const texts = body?.texts;
    if (!Array.isArray(texts) || texts.length === 0 || texts.length > 96 || !texts.every((t) => typeof t === 'string')) {
      return validation('Malformed input request: #/texts: expected an array of 1 to 96 strings, please reformat your input and try again.');
    }
    if (typeof body.input_type !== 'string') return validation('Malformed input request: #: required key [input_type] not found, please reformat your input and try again.');
    const v4 = id.startsWith('cohere.embed-v4');
    const dims = v4 ? (body.output_dimension ?? 1536) : 1024;
    const vectors = texts.map((t: string) => fakeEmbedding(t, dims));
    const tokens = texts.reduce((n: number, t: string) => n + countTokens(t), 0);
    const byType = v4 || Array.isArray(body.embedding_types);
    return {
      body: byType
        ? { id: 'emb-1', texts, embeddings: { float: vectors }, response_type: 'embeddings_by_type' }
        : { id: 'emb-1', texts, embeddings: vectors, response_type: 'embeddings_floats' },
      headers: tokenHeaders(tokens),
    };
  }
  if (id.startsWith('amazon.titan-embed-text')) {
    if (typeof body?.inputText !== 'string') return validation('Malformed input request: #: required key [inputText] not found, please reformat your input and try again.');
    const v2 = id.startsWith('amazon.titan-embed-text-v2');
    if (!v2 && Object.keys(body).some((k) => k !== 'inputText')) {
      return validation(`Malformed input request: #: extraneous key [${Object.keys(body).find((k) => k !== 'inputText')}] is not permitted, please reformat your input and try again.`);
    }
    const dims = v2 ? (body.dimensions ?? 1024) : 1536;
    if (v2 && !TITAN_V2_DIMENSIONS.includes(dims)) return validation(`Malformed input request: #/dimensions: ${dims} is not a valid enum value, please reformat your input and try again.`);
    const embedding = fakeEmbedding(body.inputText, dims);
    const tokens = countTokens(body.inputText);
    return {
      body: v2 ? { embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: tokens } : { embedding, inputTextTokenCount: tokens },
      headers: tokenHeaders(tokens),
    };
  }
  if (id.startsWith('amazon.nova-2-multimodal-embeddings')) {
    const params = body?.singleEmbeddingParams;
    if (body?.taskType !== 'SINGLE_EMBEDDING' || typeof params?.text?.value !== 'string') {
      return validation('Malformed input request: expected taskType SINGLE_EMBEDDING with singleEmbeddingParams.text.value, please reformat your input and try again.');
    }
    const dims = params.embeddingDimension ?? 3072;
    if (!NOVA_DIMENSIONS.includes(dims)) return validation(`Malformed input request: #/singleEmbeddingParams/embeddingDimension: ${dims} is not a valid enum value, please reformat your input and try again.`);
    return {
      body: { embeddings: [{ embeddingType: 'TEXT', embedding: fakeEmbedding(params.text.value, dims) }] },
      headers: tokenHeaders(countTokens(params.text.value)),
    };
  }
  return validation(`The default emulator handler does not serve InvokeModel for ${modelId}; script one with onInvokeModel().`);
}
