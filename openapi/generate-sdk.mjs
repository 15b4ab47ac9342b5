// Generates the TypeScript SDK from an OpenAPI document with @hey-api/openapi-ts
// (an ES module, hence this .mjs): node openapi/generate-sdk.mjs <openapi.json> <output dir>
import { createClient } from '@hey-api/openapi-ts';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node openapi/generate-sdk.mjs <openapi.json> <output dir>');
  process.exit(2);
}
await createClient({
  input,
  output: { path: output, clean: true },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
  logs: { level: 'silent' },
});
