import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every setting the process reads is documented in the README's configuration table.
describe('configuration documentation', () => {
  it('lists every environment variable in the README', () => {
    const source = readFileSync(join(__dirname, 'app-config.ts'), 'utf8');
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const variables = [...source.matchAll(/read\.\w+\(\s*'([A-Z0-9_]+)'/g)].map((match) => match[1]);
    expect(variables.length).toBeGreaterThan(10);
    const undocumented = variables.filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});
