import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@statemesh/common';
import { loadConfig } from '@statemesh/config';
import { createLogger } from '@statemesh/observability';
import { createApiApp } from '../apps/api/src/create-api-app';
import { buildOpenApiDocument } from '../apps/api/src/openapi-document';

/**
 * `npm run openapi`: writes openapi/openapi.json from the code (the API is
 * built in preview mode: no server, no database, no Redis), then regenerates
 * the TypeScript SDK in openapi/sdk from it.
 */
export async function renderOpenApiDocument(): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const app = await createApiApp({ config, logger: createLogger(config, 'openapi'), preview: true });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

export function generateSdk(documentPath: string, outputDir: string): void {
  const result = spawnSync(process.execPath, [join(projectRoot(), 'openapi/generate-sdk.mjs'), documentPath, outputDir], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`SDK generation failed (exit ${result.status})`);
}

async function main(): Promise<void> {
  const root = projectRoot();
  const documentPath = join(root, 'openapi/openapi.json');
  mkdirSync(join(root, 'openapi'), { recursive: true });
  writeFileSync(documentPath, await renderOpenApiDocument());
  console.log(`wrote ${documentPath}`);
  generateSdk(documentPath, join(root, 'openapi/sdk'));
  console.log(`wrote ${join(root, 'openapi/sdk')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
