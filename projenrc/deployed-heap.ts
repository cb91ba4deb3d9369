/**
 * V8 flags that size the gateway's heap as Node sizes it where the gateway is deployed: Node gives V8 the memory of its
 * container or microVM (the default Fargate task and Lambda function have 1024 MiB), and V8 takes a quarter of it
 * times two on 64-bit for the old generation (512 MiB) and 1/128 of that for each semi-space (4 MiB). Unflagged on a
 * workstation or benchmark host, V8 sizes the heap from the host's memory instead (4 GiB and 16 MiB with 16 GiB or
 * more) and, with that room, collects garbage later: memory then describes the host, not the deployed gateway. The local
 * server (`npx projen dev`), the fuzz and the soak run with these flags.
 */
export const DEPLOYED_HEAP_FLAGS = '--max-old-space-size=512 --max-semi-space-size=4';
