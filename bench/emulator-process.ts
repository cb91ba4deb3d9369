import { BedrockEmulator } from '../test/emulator/bedrock-emulator';
import { DefaultHandlers } from '../test/emulator/default-handlers';

/**
 * Runs the Bedrock emulator in its own process for the benchmark; prints its endpoint, stops on SIGTERM. With
 * EMULATOR_STREAM_DELAY_MS, streams pause that long before each text delta (streams that stay open, as a model's do).
 */
async function main(): Promise<void> {
  const emulator = await BedrockEmulator.start();
  const delayMs = Number(process.env.EMULATOR_STREAM_DELAY_MS ?? 0);
  if (delayMs > 0) {
    const defaults = new DefaultHandlers(emulator.models, emulator.profiles);
    emulator.onConverseStream((req) => {
      const reply = defaults.converseStream(req);
      return 'error' in reply ? reply : reply.flatMap((step) => ('event' in step && step.event.contentBlockDelta ? [{ delayMs }, step] : [step]));
    });
  }
  process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint })}\n`);
  process.once('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));
}

void main();
