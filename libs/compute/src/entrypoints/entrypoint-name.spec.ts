import fc from 'fast-check';
import { newId } from '@statemesh/common';
import { ComputeError, ComputeErrorCode } from '../compute.errors';
import { entrypointFqdn, isValidVmId, isValidVmName, isValidZoneName } from './entrypoint-name';

function codeOf(run: () => unknown): ComputeErrorCode | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ComputeError) return error.code;
    throw error;
  }
  return undefined;
}

// Generators for valid inputs, built from the rules rather than from the regexes under test.
const inner = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''));
const edge = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const label = (maxLength: number) =>
  fc.oneof(
    edge,
    fc
      .tuple(edge, fc.array(inner, { maxLength: maxLength - 2 }), edge)
      .map(([first, middle, last]) => first + middle.join('') + last),
  );
const vmName = label(40);
const zoneName = label(20);
const vmId = fc.oneof(fc.constant(null).map(() => newId()), fc.stringMatching(/^[a-z0-9]{1,18}$/));
const baseDomain = fc.array(label(20), { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));

describe('isValidVmName', () => {
  it.each(['a', 'web', 'web-1', '1web', '0', 'a--b', 'x'.repeat(40)])('accepts %p', (name) => {
    expect(isValidVmName(name)).toBe(true);
  });

  it.each(['', '-web', 'web-', 'Web', 'web_1', 'web.1', 'wéb', ' web', 'x'.repeat(41), '-'])('refuses %p', (name) => {
    expect(isValidVmName(name)).toBe(false);
  });

  it('accepts every name built from the rules', () => {
    fc.assert(fc.property(vmName, (name) => isValidVmName(name)));
  });

  it('refuses anything with a character outside [a-z0-9-]', () => {
    fc.assert(
      fc.property(vmName, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (name, at, character) => {
        fc.pre(!/^[a-z0-9-]$/.test(character));
        const position = at % (name.length + 1);
        expect(isValidVmName(name.slice(0, position) + character + name.slice(position))).toBe(false);
      }),
    );
  });
});

describe('isValidZoneName and isValidVmId', () => {
  it.each(['eu-west', 'us-east-1', 'z', '1a', 'x'.repeat(63)])('accepts zone %p', (zone) => {
    expect(isValidZoneName(zone)).toBe(true);
  });

  it.each(['', 'EU-west', 'eu_west', 'eu.west', '-eu', 'eu-', 'x'.repeat(64)])('refuses zone %p', (zone) => {
    expect(isValidZoneName(zone)).toBe(false);
  });

  it('accepts generated ids and refuses others', () => {
    expect(isValidVmId(newId())).toBe(true);
    for (const id of ['', 'ABC', 'a-b', 'a.b', 'a b']) expect(isValidVmId(id)).toBe(false);
  });
});

describe('entrypointFqdn', () => {
  it('names a VM inside its zone', () => {
    expect(entrypointFqdn('web', 'k3x9a0b2c1d4e5f6g7', 'eu-west', 'statemesh.net')).toBe(
      'vm-web-k3x9a0b2c1d4e5f6g7.eu-west.statemesh.net',
    );
  });

  it('lowercases the base domain', () => {
    expect(entrypointFqdn('web', 'abc', 'eu-west', 'StateMesh.NET')).toBe('vm-web-abc.eu-west.statemesh.net');
  });

  it('fits the longest name with an 18-character id in one label', () => {
    const fqdn = entrypointFqdn('x'.repeat(40), newId(), 'eu-west', 'statemesh.net');
    expect(fqdn.split('.')[0]).toHaveLength(62);
  });

  it.each<[string, [string, string, string, string], ComputeErrorCode]>([
    ['an invalid name', ['Web', 'abc', 'eu-west', 'statemesh.net'], 'vm.invalid_name'],
    ['a name over 40 characters', ['x'.repeat(41), 'abc', 'eu-west', 'statemesh.net'], 'vm.invalid_name'],
    ['an invalid id', ['web', 'AB-1', 'eu-west', 'statemesh.net'], 'vm.invalid_id'],
    ['an empty id', ['web', '', 'eu-west', 'statemesh.net'], 'vm.invalid_id'],
    ['an invalid zone', ['web', 'abc', 'eu_west', 'statemesh.net'], 'zone.invalid_name'],
    ['an empty base domain', ['web', 'abc', 'eu-west', ''], 'entrypoint.invalid_base_domain'],
    ['a base domain with an empty label', ['web', 'abc', 'eu-west', 'statemesh..net'], 'entrypoint.invalid_base_domain'],
    ['a base domain with a trailing dot', ['web', 'abc', 'eu-west', 'statemesh.net.'], 'entrypoint.invalid_base_domain'],
    ['a label over 63 characters', ['x'.repeat(40), 'a'.repeat(20), 'eu-west', 'statemesh.net'], 'entrypoint.name_too_long'],
    [
      'a name over 253 characters',
      ['web', 'abc', 'eu-west', Array.from({ length: 4 }, () => 'd'.repeat(60)).join('.')],
      'entrypoint.name_too_long',
    ],
  ])('refuses %s', (_, args, code) => {
    expect(codeOf(() => entrypointFqdn(...args))).toBe(code);
  });

  it('always produces vm-<name>-<id>.<zone>.<baseDomain> with a first label of at most 63 characters', () => {
    const escape = (text: string) => text.replace(/[.-]/g, '\\$&');
    fc.assert(
      fc.property(vmName, vmId, zoneName, baseDomain, (name, id, zone, domain) => {
        let fqdn: string;
        try {
          fqdn = entrypointFqdn(name, id, zone, domain);
        } catch (error) {
          // Only length can make valid parts fail, and only when the limits are really exceeded.
          const code = (error as ComputeError).code;
          expect(code).toBe('entrypoint.name_too_long');
          expect(`vm-${name}-${id}`.length > 63 || `vm-${name}-${id}.${zone}.${domain}`.length > 253).toBe(true);
          return;
        }
        expect(fqdn).toMatch(new RegExp(`^vm-${escape(name)}-${escape(id)}\\.${escape(zone)}\\.${escape(domain)}$`));
        expect(fqdn.split('.')[0].length).toBeLessThanOrEqual(63);
        expect(fqdn.length).toBeLessThanOrEqual(253);
        expect(fqdn).toBe(fqdn.toLowerCase());
      }),
      { numRuns: 1000 },
    );
  });

  it('never fails for a valid name and an id from newId', () => {
    fc.assert(
      fc.property(vmName, zoneName, (name, zone) => {
        expect(() => entrypointFqdn(name, newId(), zone, 'statemesh.net')).not.toThrow();
      }),
    );
  });

  it('gives different VMs different names', () => {
    fc.assert(
      fc.property(vmName, vmName, fc.stringMatching(/^[a-z0-9]{18}$/), fc.stringMatching(/^[a-z0-9]{18}$/), (a, b, idA, idB) => {
        fc.pre(a !== b || idA !== idB);
        expect(entrypointFqdn(a, idA, 'z', 'example.com')).not.toBe(entrypointFqdn(b, idB, 'z', 'example.com'));
      }),
    );
  });
});
