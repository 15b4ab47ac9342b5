import { canonicalNodeSet, eligibleSetHash } from './eligible-set';

describe('eligibleSetHash', () => {
  it('depends on the set, not on the order or repetitions', () => {
    expect(eligibleSetHash(['b', 'a', 'c'])).toBe(eligibleSetHash(['c', 'a', 'b', 'a']));
    expect(canonicalNodeSet(['b', 'a', 'b'])).toEqual(['a', 'b']);
  });

  it('changes with any member, and cannot confuse boundaries between ids', () => {
    const base = eligibleSetHash(['node1', 'node2']);
    expect(eligibleSetHash(['node1'])).not.toBe(base);
    expect(eligibleSetHash(['node1', 'node3'])).not.toBe(base);
    expect(eligibleSetHash(['node1node2'])).not.toBe(base);
    expect(eligibleSetHash([])).toMatch(/^[0-9a-f]{64}$/);
  });
});
