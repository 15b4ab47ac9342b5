import { isId, newId } from './ids';

describe('newId', () => {
  it('is 18 lowercase alphanumerics', () => {
    for (let i = 0; i < 100; i++) expect(isId(newId())).toBe(true);
  });

  it('sorts by creation time', () => {
    const earlier = newId(1_700_000_000_000);
    const later = newId(1_700_000_000_001);
    expect(earlier < later).toBe(true);
  });

  it('draws its random part from every character alike, never repeating an id', () => {
    const ids = Array.from({ length: 20_000 }, () => newId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    const counts = new Map<string, number>();
    for (const id of ids) for (const char of id.slice(9)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(36);
    // 180,000 characters over 36: 5,000 each on average; a biased draw (byte % 36) gives the first four 12% more.
    for (const count of counts.values()) expect(Math.abs(count - 5_000)).toBeLessThan(400);
  });
});
