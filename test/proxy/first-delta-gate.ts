import OpenAI from 'openai';

/**
 * Holds the rest of an emulated stream until the client has its first delta (`first`): the emulator's script yields
 * that delta, then awaits `released`; `read` consumes the client's stream, releases the rest when `first` arrives and
 * says whether it arrived before a 3 s deadlock breaker released it instead (a buffering gateway would hang without
 * the breaker until the test timeout).
 */
export function firstDeltaGate() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let brokenByTimer = false;
  const breaker = setTimeout(() => { brokenByTimer = true; release(); }, 3000);
  const read = async (stream: AsyncIterable<OpenAI.ChatCompletionChunk>) => {
    const texts: string[] = [];
    let firstArrivedUnprompted = false;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content;
      if (text) texts.push(text);
      if (text === 'first') {
        firstArrivedUnprompted = !brokenByTimer;
        release();
      }
      usage = chunk.usage ?? usage;
    }
    clearTimeout(breaker);
    return { texts, firstArrivedUnprompted, usage };
  };
  return { released, read };
}
