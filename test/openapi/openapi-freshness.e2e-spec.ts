import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateSdk, renderOpenApiDocument } from '../../openapi/generate';

const root = join(__dirname, '../..');

function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

describe('the committed OpenAPI document and SDK', () => {
  it('match the code (run `npm run openapi` after changing routes or DTOs)', async () => {
    const document = await renderOpenApiDocument();
    expect(document).toBe(readFileSync(join(root, 'openapi/openapi.json'), 'utf8'));

    const scratch = mkdtempSync(join(tmpdir(), 'statemesh-sdk-'));
    try {
      const documentPath = join(scratch, 'openapi.json');
      writeFileSync(documentPath, document);
      generateSdk(documentPath, join(scratch, 'sdk'));
      const generated = filesUnder(join(scratch, 'sdk'));
      const committed = filesUnder(join(root, 'openapi/sdk'));
      expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
      for (const [file, content] of generated) expect({ file, content: committed.get(file) }).toEqual({ file, content });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('documents every operation with an id, a summary and its problems', () => {
    const document = JSON.parse(readFileSync(join(root, 'openapi/openapi.json'), 'utf8'));
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(10);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { route, operation } of operations) {
      expect({ route, summary: typeof operation.summary }).toEqual({ route, summary: 'string' });
      const secured = (operation.security ?? []).length > 0;
      if (secured) expect({ route, has401: '401' in operation.responses }).toEqual({ route, has401: true });
    }
  });
});
