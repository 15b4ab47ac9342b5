/**
 * Node.js flags every StateMesh service process starts with (the local stack,
 * benchmarks; the image sets the same through NODE_OPTIONS, `npm run start:*`
 * on the command line).
 *
 * `--max-semi-space-size=64` (MiB): a request in flight lives a few hundred
 * milliseconds, through several minor collections at V8's default young
 * generation (16 MiB semi-spaces) under load, so most of what a request
 * allocates survives them and is copied, then promoted and collected again.
 * Larger semi-spaces let it die young: measured on the create path at 256
 * requests in flight, minor-collection time fell by about 40 % and API-only
 * creates/s rose about 10 % (bench/RESULTS.md).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
