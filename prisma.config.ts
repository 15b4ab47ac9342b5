// The Prisma CLI is used offline only for `prisma generate`. It looks for a
// native schema engine before it runs; pointing it at an existing file and
// disabling the update check keeps it from trying to download one.
// Migrations run through the WebAssembly schema engine: libs/database/src/migrations.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= '/dev/null';
process.env.CHECKPOINT_DISABLE ??= '1';

import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
});
