import { BedrockEmulator } from '../test/emulator/bedrock-emulator';

/** Runs the Bedrock emulator in its own process for the benchmark; prints its endpoint, stops on SIGTERM. */
async function main(): Promise<void> {
  const emulator = await BedrockEmulator.start();
  process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint })}\n`);
  process.once('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));
}

void main();
