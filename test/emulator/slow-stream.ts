import { StreamStep } from './types';

/**
 * A ConverseStream handler that answers `words` words, one every `delayMs`: long enough for a test to walk away
 * in the middle and see whether the gateway ends the Bedrock stream.
 */
export async function* slowWords(words = 100, delayMs = 50): AsyncGenerator<StreamStep> {
  yield { event: { messageStart: { role: 'assistant' } } };
  for (let i = 0; i < words; i++) {
    yield { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: `word${i} ` } } } };
    yield { delayMs };
  }
  yield { event: { messageStop: { stopReason: 'end_turn' } } };
}
