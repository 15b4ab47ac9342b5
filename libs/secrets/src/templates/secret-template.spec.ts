import { spawnSync } from 'node:child_process';
import * as fc from 'fast-check';
import { SecretTemplateError, findSecretReferences, renderTemplate, toYamlDoubleQuoted, type SecretTemplateErrorCode } from './secret-template';

function failure(action: () => unknown): SecretTemplateError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretTemplateError);
    return error as SecretTemplateError;
  }
  throw new Error('expected the template to be refused');
}

const CLOUD_CONFIG = `#cloud-config
users:
  - name: app
    passwd: {{ secret "app-password" }}   # hashed by the user
write_files:
  - path: /etc/app/token
    encoding: b64
    content: "{{secret "api.token"|base64}}"
    permissions: '0600'
runcmd:
  - [echo, "{{ v1.instance_id }}"]
  - {{ secret "app-password" }}
`;

describe('findSecretReferences', () => {
  it('lists each referenced secret once, in order of first use', () => {
    expect(findSecretReferences(CLOUD_CONFIG)).toEqual(['app-password', 'api.token']);
  });

  it('finds nothing in a template without references, and leaves other expressions alone', () => {
    expect(findSecretReferences('#cloud-config\nhostname: {{ v1.local_hostname }}\nsecrets: {{ secrets }}\n')).toEqual([]);
  });

  it.each<[string, string, SecretTemplateErrorCode, { line: number; column: number }]>([
    ['single quotes', "a: {{ secret 'db' }}", 'secret.template_invalid_reference', { line: 1, column: 4 }],
    ['no quotes', 'a: {{ secret db }}', 'secret.template_invalid_reference', { line: 1, column: 4 }],
    ['an uppercase name', 'a: {{ secret "DB" }}', 'secret.template_invalid_reference', { line: 1, column: 4 }],
    ['an empty name', 'a: {{ secret "" }}', 'secret.template_invalid_reference', { line: 1, column: 4 }],
    ['an unknown filter', 'x:\n  a: {{ secret "db" | upper }}', 'secret.template_invalid_reference', { line: 2, column: 6 }],
    ['an empty filter', 'a: {{ secret "db" | }}', 'secret.template_invalid_reference', { line: 1, column: 4 }],
    ['a reference split over lines', 'a: {{ secret\n "db" }}', 'secret.template_invalid_reference', { line: 1, column: 4 }],
    ['an unclosed reference', 'a: {{ secret "db"', 'secret.template_invalid_reference', { line: 1, column: 4 }],
    ['a quoted reference', 'a: "{{ secret "db" }}"', 'secret.template_misplaced_reference', { line: 1, column: 5 }],
    ['a reference inside an open string', 'a: "x: {{ secret "db" }}\n  y"', 'secret.template_misplaced_reference', { line: 1, column: 8 }],
    ['a reference inside text', 'url: https://{{ secret "db" }}@host', 'secret.template_misplaced_reference', { line: 1, column: 14 }],
    ['text after a reference', 'a: {{ secret "db" }}x', 'secret.template_misplaced_reference', { line: 1, column: 4 }],
    ['a reference as a key', '{{ secret "db" }}: x', 'secret.template_misplaced_reference', { line: 1, column: 1 }],
    ['a reference alone on its line', 'a: |\n  {{ secret "db" }}', 'secret.template_misplaced_reference', { line: 2, column: 3 }],
    ['a reference without a space after the colon', 'a:{{ secret "db" }}', 'secret.template_misplaced_reference', { line: 1, column: 3 }],
    ['a reference in a comment', '# a: {{ secret "db" }}', 'secret.template_misplaced_reference', { line: 1, column: 6 }],
    ['a reference in a flow sequence', 'a: [x, {{ secret "db" }}]', 'secret.template_misplaced_reference', { line: 1, column: 8 }],
    ['bare base64 as a whole value', 'a: {{ secret "db" | base64 }}', 'secret.template_misplaced_reference', { line: 1, column: 4 }],
    ['bare base64 as a sequence entry', '- {{ secret "db" | base64 }} # x', 'secret.template_misplaced_reference', { line: 1, column: 3 }],
  ])('refuses %s with its position', (_, template, code, position) => {
    const error = failure(() => findSecretReferences(template));
    expect(error.code).toBe(code);
    expect(error.status).toBe(422);
    expect(error.extensions).toEqual(position);
    expect(error.detail).toContain(`line ${position.line}, column ${position.column}`);
  });

  it('accepts references as whole values, and base64 ones inside strings and text', () => {
    const template = [
      'a: {{ secret "a" }}',
      '- {{ secret "b" }}',
      '- - c: {{ secret "c" }}  # note',
      '"quoted key": {{ secret "d" }}',
      'e: x{{ secret "e" | base64 }}y',
      'e2: "{{ secret "e" | base64 }}"',
      'f: |',
      '  ENV={{ secret "f" | base64 }}',
      'g: {{ secret "g" }}\r',
    ].join('\n');
    expect(findSecretReferences(template)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });
});

describe('renderTemplate', () => {
  it('renders quoted values and base64, and leaves everything else as it was', () => {
    const values = new Map([
      ['app-password', 's3cr3t-value-pw "quoted" \\ back'],
      ['api.token', 's3cr3t-value-token'],
    ]);
    expect(renderTemplate(CLOUD_CONFIG, values)).toBe(`#cloud-config
users:
  - name: app
    passwd: "s3cr3t-value-pw \\"quoted\\" \\\\ back"   # hashed by the user
write_files:
  - path: /etc/app/token
    encoding: b64
    content: "${Buffer.from('s3cr3t-value-token').toString('base64')}"
    permissions: '0600'
runcmd:
  - [echo, "{{ v1.instance_id }}"]
  - "s3cr3t-value-pw \\"quoted\\" \\\\ back"
`);
  });

  it('takes values as a plain object too, but never from its prototype', () => {
    expect(renderTemplate('a: {{ secret "db" }}', { db: 'x' })).toBe('a: "x"');
    const error = failure(() => renderTemplate('a: {{ secret "constructor" }}\nb: {{ secret "tostring" }}', {}));
    expect(error.code).toBe('secret.unknown_secret');
  });

  it('lists every unknown secret, names only', () => {
    const error = failure(() => renderTemplate('a: {{ secret "one" }}\nb: {{ secret "two" }}\nc: {{ secret "one" }}\nd: {{ secret "known" }}', { known: 's3cr3t-value-known' }));
    expect(error.code).toBe('secret.unknown_secret');
    expect(error.status).toBe(422);
    expect(error.extensions).toEqual({ secrets: ['one', 'two'] });
    expect(error.detail).toBe('The template references secrets that do not exist: one, two.');
    expect(JSON.stringify(error)).not.toContain('s3cr3t');
  });

  it('does not expand references that appear inside values', () => {
    const rendered = renderTemplate('a: {{ secret "outer" }}\nb: "{{ secret "inner" | base64 }}"', {
      outer: '{{ secret "inner" }}',
      inner: '{{ secret "outer" }}',
    });
    expect(rendered).toBe(`a: "\\x7B\\x7B secret \\"inner\\" \\x7D\\x7D"\nb: "${Buffer.from('{{ secret "outer" }}').toString('base64')}"`);
  });

  it('renders a template without references unchanged', () => {
    expect(renderTemplate('#cloud-config\npackages: [nginx]\n', {})).toBe('#cloud-config\npackages: [nginx]\n');
  });
});

describe('toYamlDoubleQuoted', () => {
  it.each([
    ['plain text', 'hunter2', '"hunter2"'],
    ['quotes and backslashes', 'a"b\\c', '"a\\"b\\\\c"'],
    ['line breaks and tabs', 'a\nb\r\tc', '"a\\nb\\r\\tc"'],
    ['YAML and template syntax', "x: y # z {{ a }} 'q'", '"x: y # z \\x7B\\x7B a \\x7D\\x7D \\x27q\\x27"'],
    ['control and Latin-1 characters', '\u0000\u001b\u007f\u0085é', '"\\x00\\x1B\\x7F\\x85\\xE9"'],
    ['YAML 1.1 line and paragraph separators', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['characters beyond the BMP', '🔑', '"\\U0001F511"'],
    ['a lone surrogate', 'a\ud800b', '"a\\uFFFDb"'],
    ['the empty string', '', '""'],
  ])('escapes %s', (_, value, quoted) => {
    expect(toYamlDoubleQuoted(value)).toBe(quoted);
  });

  it('renders only printable ASCII, with no line break and no unescaped quote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const quoted = toYamlDoubleQuoted(value);
        expect(quoted).toMatch(/^"[\x20-\x7e]*"$/);
        expect(quoted.slice(1, -1).replace(/\\\\/g, '').replace(/\\"/g, '')).not.toMatch(/["'{}]/);
      }),
    );
  });
});

// cloud-init reads user data with PyYAML (YAML 1.1). Where it is installed,
// check that what we render reads back as exactly the values.
const pyyaml = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

(pyyaml ? describe : describe.skip)('rendered templates read back by PyYAML', () => {
  function loadWithPyYaml(documents: string[]): unknown[] {
    const script = [
      'import json, sys, yaml',
      'documents = json.load(sys.stdin)',
      'print(json.dumps([yaml.safe_load(document) for document in documents]))',
    ].join('\n');
    const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(documents), encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`PyYAML failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as unknown[];
  }

  it('gives back any value exactly, in every accepted position', () => {
    const template = [
      'a: {{ secret "a" }}',
      'list:',
      '  - {{ secret "a" }}  # comment',
      '  - key: {{ secret "a" }}',
      'file:',
      '  encoding: b64',
      '  content: "{{ secret "a" | base64 }}"',
      '  mode: \'{{ secret "a" | base64 }}\'',
      'script: |',
      '  export A={{ secret "a" | base64 }}',
    ].join('\n');
    const values = fc.sample(fc.string({ unit: 'grapheme', minLength: 1 }), { numRuns: 150, seed: 42 });
    values.push("a: b\n- c\n'd' \"e\" #f {{ g }} {% h %} \u2028\u0085\t\r\n\\", ' leading and trailing ', '~', 'null', 'yes', '0x10', '---');
    const documents = values.map((value) => renderTemplate(template, { a: value }));
    const loaded = loadWithPyYaml(documents) as Array<{ a: string; list: [string, { key: string }]; file: { content: string; mode: string }; script: string }>;
    loaded.forEach((document, index) => {
      const value = values[index];
      expect(document.a).toBe(value);
      expect(document.list).toEqual([value, { key: value }]);
      const base64 = Buffer.from(value, 'utf8').toString('base64');
      expect(document.file).toEqual({ encoding: 'b64', content: base64, mode: base64 });
      expect(document.script).toBe(`export A=${base64}`);
    });
  });
});
