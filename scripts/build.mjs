// Compiles the TypeScript sources to CommonJS in dist/ with swc, rewriting the
// `@statemesh/<lib>` path aliases to relative imports. Type checking is done
// separately by `npm run typecheck` (tsc --noEmit).
import { transformFile } from '@swc/core';
import { readFileSync, mkdirSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const sourceDirs = ['apps', 'libs', 'prisma', 'scripts', 'bench', 'openapi'];
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

function* typescriptFiles(dir) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'out') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* typescriptFiles(path);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts') && !/\.(spec|e2e-spec)\.ts$/.test(entry)) yield path;
  }
}

const files = [join(root, 'prisma.config.ts')];
for (const dir of sourceDirs) {
  try { statSync(join(root, dir)); } catch { continue; }
  files.push(...typescriptFiles(join(root, dir)));
}

const started = Date.now();
await Promise.all(files.map(async (file) => {
  const output = await transformFile(file, {
    ...swcrc,
    swcrc: false,
    filename: file,
    sourceFileName: relative(join(root, 'dist', dirname(relative(root, file))), file),
    jsc: { ...swcrc.jsc, baseUrl: root, paths: { '@statemesh/*': ['libs/*/src/index.ts'] } },
  });
  const target = join(root, 'dist', relative(root, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, output.code + `\n//# sourceMappingURL=${target.split('/').pop()}.map`);
  if (output.map) writeFileSync(target + '.map', output.map);
}));
if (!process.env.QUIET_BUILD) console.log(`built ${files.length} files into dist/ in ${Date.now() - started} ms`);
