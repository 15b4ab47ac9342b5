import { etagOf, parseIfMatch } from './versioned';

describe('ETag versions', () => {
  it('parses what it issues, weak or strong', () => {
    expect(parseIfMatch(etagOf(7))).toBe(7);
    expect(parseIfMatch(`W/${etagOf(7)}`)).toBe(7);
    expect(parseIfMatch('*')).toBe('*');
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it('never matches foreign tags', () => {
    expect(parseIfMatch('"abc"')).toBeNull();
    expect(parseIfMatch('v7')).toBeNull();
  });
});
