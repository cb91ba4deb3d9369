import { Readable } from 'node:stream';

/** Characters of JSON text gathered before a piece of the answer goes to the connection. */
const PIECE_CHARS = 64 * 1024;

/**
 * The embeddings answer as JSON text written piece by piece: the text `JSON.stringify` gives for
 * `{ object: 'list', data: [{ object: 'embedding', index, embedding }], model, usage }`. An answer to the 2,048 texts
 * OpenAI allows per request is about 40 MB of JSON with 1,024 floats a vector; made whole, the text and its bytes were
 * held at once beside the vectors. Each vector is let go once it is written.
 */
export function embeddingsAnswer(
  vectors: Array<number[] | undefined>, encode: (vector: number[]) => unknown, model: string, tokens: number,
): Readable {
  let index = 0;
  return new Readable({
    read() {
      let piece = index === 0 ? '{"object":"list","data":[' : '';
      while (index < vectors.length && piece.length < PIECE_CHARS) {
        piece += `${index > 0 ? ',' : ''}{"object":"embedding","index":${index},"embedding":${JSON.stringify(encode(vectors[index]!))}}`;
        vectors[index++] = undefined;
      }
      if (index < vectors.length) return void this.push(piece);
      this.push(`${piece}],"model":${JSON.stringify(model)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`);
      this.push(null);
    },
  });
}
