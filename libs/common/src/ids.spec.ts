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
});
