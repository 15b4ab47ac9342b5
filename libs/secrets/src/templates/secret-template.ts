import { DomainError } from '@statemesh/common';
import { SecretsErrors } from '../secrets.errors';
import { SECRET_NAME_RULE, isSecretName } from '../secrets/secret-name';

/**
 * Secret references in cloud-init user data (`#cloud-config` YAML):
 *
 *     password: {{ secret "db-password" }}            → password: "<value as a YAML double-quoted string>"
 *     content: "{{ secret "tls-key" | base64 }}"      → content: "<base64 of the value's UTF-8 bytes>"
 *
 * The quoted form renders a complete YAML double-quoted scalar, so it must be
 * a whole value: after `key: ` or `- ` on its line, followed by nothing but an
 * optional ` # comment`. Every character outside printable ASCII, and `"`,
 * `\`, `'`, `{` and `}`, is escaped, so a value can neither end the string,
 * nor add a line, nor start a Jinja or template expression, and YAML 1.1
 * (PyYAML, as cloud-init uses) and 1.2 parsers read back exactly the value. The
 * base64 form renders only `[A-Za-z0-9+/=]`, which means the same inside any
 * string or block scalar (for `write_files` entries with `encoding: b64`, or
 * a line of a file's content). It must not be a whole unquoted value: YAML
 * would read some base64 strings (`1234`, `true`, `null`) as other types.
 *
 * Anything else that starts like a reference (`{{ secret 'x' }}`,
 * `{{ secret x }}`, an unknown filter, an invalid name) is an error rather
 * than text passed through. Other `{{ ... }}` expressions (cloud-init's own
 * Jinja templates) are left alone.
 */
export type SecretValues = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export type SecretTemplateErrorCode =
  | 'secret.template_invalid_reference'
  | 'secret.template_misplaced_reference'
  | 'secret.unknown_secret';

/** A template the renderer refuses; maps to a 422 problem. Never carries a value. */
export class SecretTemplateError extends DomainError {
  constructor(code: SecretTemplateErrorCode, detail: string, extensions: { line?: number; column?: number; secrets?: string[] } = {}) {
    super(SecretsErrors[code], detail, extensions);
    this.name = 'SecretTemplateError';
  }

  override get code(): SecretTemplateErrorCode {
    return super.code as SecretTemplateErrorCode;
  }
}

interface SecretReference {
  name: string;
  encoding: 'yaml' | 'base64';
  start: number;
  end: number;
}

// One line only: a reference never spans lines.
const REFERENCE = /\{\{[ \t]*secret[ \t]+"([^"\n]*)"[ \t]*(?:\|[ \t]*([A-Za-z0-9_-]*)[ \t]*)?\}\}/g;
const REFERENCE_START = /\{\{[ \t]*secret\b/g;
// What may precede a whole value on its line: `- ` (a sequence entry) or
// `key: ` (a mapping value), nested as in `- - key: `.
const VALUE_PREFIX = /^(?:[ \t]*-[ \t]+)+$|^[ \t]*(?:-[ \t]+)*[^\s#][^#]*?:[ \t]+$/;
// What may follow it: the end of the line, or a comment.
const VALUE_SUFFIX = /^(?:[ \t]*|[ \t]+#.*)$/;

// Braces would start Jinja or template expressions; a single quote could end a
// single-quoted string the reference was wrongly placed in.
const ESCAPED_ASCII = new Set(['{', '}', "'"]);

/** The names of the secrets a template references, each once, in order of first use. */
export function findSecretReferences(template: string): string[] {
  return [...new Set(parseReferences(template).map((reference) => reference.name))];
}

/**
 * Replaces every reference with its secret's value (see above for how each
 * form renders). Throws a SecretTemplateError (`secret.unknown_secret`,
 * listing every missing name) if `values` lacks any referenced secret.
 */
export function renderTemplate(template: string, values: SecretValues): string {
  const references = parseReferences(template);
  const lookup = (name: string): string | undefined =>
    values instanceof Map ? values.get(name) : Object.hasOwn(values, name) ? (values as Record<string, string>)[name] : undefined;
  const missing = [...new Set(references.map((reference) => reference.name).filter((name) => typeof lookup(name) !== 'string'))];
  if (missing.length > 0) {
    throw new SecretTemplateError('secret.unknown_secret', `The template references secrets that do not exist: ${missing.join(', ')}.`, {
      secrets: missing,
    });
  }
  let rendered = '';
  let at = 0;
  for (const reference of references) {
    const value = lookup(reference.name)!;
    rendered += template.slice(at, reference.start);
    rendered += reference.encoding === 'base64' ? Buffer.from(value, 'utf8').toString('base64') : toYamlDoubleQuoted(value);
    at = reference.end;
  }
  return rendered + template.slice(at);
}

/**
 * A YAML double-quoted scalar that reads back as exactly `value`. Printable
 * ASCII stays as it is (so plain values look like JSON strings), except
 * `{`, `}` and `'`; everything else is an escape YAML 1.1 and 1.2 both know.
 * Lone UTF-16 surrogates cannot be stored as UTF-8 and become U+FFFD.
 */
export function toYamlDoubleQuoted(value: string): string {
  let quoted = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') quoted += '\\"';
    else if (char === '\\') quoted += '\\\\';
    else if (char === '\n') quoted += '\\n';
    else if (char === '\t') quoted += '\\t';
    else if (char === '\r') quoted += '\\r';
    else if (code >= 0x20 && code <= 0x7e && !ESCAPED_ASCII.has(char)) quoted += char;
    else if (code <= 0xff) quoted += `\\x${hex(code, 2)}`;
    else if (code >= 0xd800 && code <= 0xdfff) quoted += '\\uFFFD';
    else if (code <= 0xffff) quoted += `\\u${hex(code, 4)}`;
    else quoted += `\\U${hex(code, 8)}`;
  }
  return `${quoted}"`;
}

function hex(code: number, digits: number): string {
  return code.toString(16).toUpperCase().padStart(digits, '0');
}

function parseReferences(template: string): SecretReference[] {
  const references: SecretReference[] = [];
  for (const match of template.matchAll(REFERENCE)) {
    const [text, name, filter] = match;
    const start = match.index;
    if (!isSecretName(name)) {
      throw invalidReference(template, start, `"${truncate(name)}" is not a secret name (${SECRET_NAME_RULE})`);
    }
    if (filter !== undefined && filter !== 'base64') {
      throw invalidReference(template, start, `unknown filter "${truncate(filter)}" (the only filter is base64)`);
    }
    const reference: SecretReference = { name, encoding: filter === 'base64' ? 'base64' : 'yaml', start, end: start + text.length };
    const wholeValue = isWholeValue(template, reference);
    if (reference.encoding === 'yaml' && !wholeValue) {
      throw misplacedReference(
        template,
        start,
        'must be a whole YAML value (after "key: " or "- ", with nothing after it but a comment); inside other text, use {{ secret "name" | base64 }}',
      );
    }
    if (reference.encoding === 'base64' && wholeValue) {
      throw misplacedReference(template, start, 'renders bare base64, which YAML may read as a number or a boolean: put it in double quotes');
    }
    references.push(reference);
  }
  // Anything that starts like a reference but did not parse as one.
  const parsedStarts = new Set(references.map((reference) => reference.start));
  for (const match of template.matchAll(REFERENCE_START)) {
    if (!parsedStarts.has(match.index)) {
      throw invalidReference(template, match.index, 'write references as {{ secret "name" }} or {{ secret "name" | base64 }}, on one line');
    }
  }
  return references;
}

/** Whether the reference is a whole unquoted YAML value: a mapping value or sequence entry on its own. */
function isWholeValue(template: string, reference: SecretReference): boolean {
  const lineStart = template.lastIndexOf('\n', reference.start - 1) + 1;
  const lineEnd = template.indexOf('\n', reference.end);
  const prefix = template.slice(lineStart, reference.start);
  const suffix = template.slice(reference.end, lineEnd === -1 ? template.length : lineEnd).replace(/\r$/, '');
  // An odd number of double quotes before it means it sits inside a
  // double-quoted string. (A rendered value has no single quote, so it cannot
  // end a single-quoted one.)
  const insideQuotes = prefix.split('"').length % 2 === 0;
  return VALUE_PREFIX.test(prefix) && VALUE_SUFFIX.test(suffix) && !insideQuotes;
}

function misplacedReference(template: string, index: number, reason: string): SecretTemplateError {
  const { line, column } = positionOf(template, index);
  return new SecretTemplateError('secret.template_misplaced_reference', `The secret reference at line ${line}, column ${column} ${reason}.`, {
    line,
    column,
  });
}

function invalidReference(template: string, index: number, reason: string): SecretTemplateError {
  const { line, column } = positionOf(template, index);
  return new SecretTemplateError('secret.template_invalid_reference', `Malformed secret reference at line ${line}, column ${column}: ${reason}.`, {
    line,
    column,
  });
}

function positionOf(template: string, index: number): { line: number; column: number } {
  const before = template.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - (before.lastIndexOf('\n') + 1) + 1 };
}

function truncate(text: string): string {
  return text.length > 70 ? `${text.slice(0, 70)}…` : text;
}
