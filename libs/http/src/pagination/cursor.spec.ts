import { DomainError } from '@statemesh/common';
import { decodeCursor, encodeCursor, pageRequest, toPage } from './cursor';

describe('cursor pagination', () => {
  it('round-trips a key', () => {
    expect(decodeCursor(encodeCursor('abc'))).toBe('abc');
  });

  it('rejects cursors it did not make', () => {
    for (const bad of ['not-base64!', Buffer.from('{"x":1}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(DomainError);
    }
  });

  it('pages with one extra row telling there is more', () => {
    const request = pageRequest({ limit: 2 });
    const page = toPage(['a', 'b', 'c'], request, (row) => row, (row) => row.toUpperCase());
    expect(page.items).toEqual(['A', 'B']);
    expect(decodeCursor(page.nextCursor!)).toBe('b');
    expect(toPage(['a', 'b'], request, (row) => row, (row) => row).nextCursor).toBeNull();
  });

  it('defaults to 50 per page', () => {
    expect(pageRequest({}).limit).toBe(50);
  });
});
