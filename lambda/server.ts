import { build } from './app';
import { loadConfig } from './config';
import { createDeps } from './create-deps';

/** Long-running entry point (Fargate, local runs): listens on PORT and drains on SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = build(config, createDeps(config));
  await app.listen({ host: '0.0.0.0', port: config.port });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      void app.close().then(() => process.exit(0));
    });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
