import { unstorableTextProblems } from './validation.pipe';

describe('unstorableTextProblems', () => {
  it('accepts ordinary text, emoji (paired surrogates) included', () => {
    expect(unstorableTextProblems({ name: 'web-1', labels: { team: 'ops 🚀' }, sshKeys: ['ssh-ed25519 AAAA'], count: 3, on: true, none: null })).toEqual([]);
  });

  it('names every field holding a NUL or an unpaired surrogate, at any depth', () => {
    const problems = unstorableTextProblems({ name: 'a\u0000b', labels: { team: 'x\ud800' }, sshKeys: ['ok', '\udc00y'], nested: [{ deep: 'z\u0000' }] });
    expect(problems.map((problem) => problem.field)).toEqual(['name', 'labels.team', 'sshKeys[1]', 'nested[0].deep']);
    expect(problems.every((problem) => problem.code === 'invalid_text')).toBe(true);
  });

  it('checks field names as well, and a bare string body', () => {
    expect(unstorableTextProblems({ labels: { 'k\u0000': 'v' } }).map((problem) => problem.field)).toEqual(['labels.k\u0000']);
    expect(unstorableTextProblems('\ud83d')).toEqual([expect.objectContaining({ field: 'body' })]);
  });
});
