import { CommonErrors, DomainError } from '@statemesh/common';
import { DEFAULT_PAGE_SIZE } from './page-query.dto';

/** One page of a list: `{items, nextCursor}`, in a stable order. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cursors are opaque to clients: base64url of the sort key of the last item
 * returned. Lists sort by a unique key (ids are time-ordered), so a cursor
 * stays valid while items are added or removed.
 */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string' && parsed.k.length > 0 && parsed.k.length <= 256) return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw new DomainError(CommonErrors['request.invalid_cursor'], 'The cursor is not one this API returned.');
}

/** What a repository needs to fetch one page: the key to start after and how many rows to read. */
export interface PageRequest {
  after?: string;
  limit: number;
}

export function pageRequest(query: { limit?: number; cursor?: string }): PageRequest {
  return { after: decodeCursor(query.cursor), limit: query.limit ?? DEFAULT_PAGE_SIZE };
}

/**
 * Turns `limit + 1` rows read after the cursor into a page: the extra row only
 * tells that there is a next page.
 */
export function toPage<Row, Item>(rows: Row[], request: PageRequest, keyOf: (row: Row) => string, map: (row: Row) => Item): Page<Item> {
  const hasMore = rows.length > request.limit;
  const pageRows = hasMore ? rows.slice(0, request.limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && pageRows.length > 0 ? encodeCursor(keyOf(pageRows[pageRows.length - 1])) : null,
  };
}

const INT8_MAX = 9_223_372_036_854_775_807n;

/** The key of a list ordered by an integer column, checked to be one (400 otherwise). */
export function integerCursor(after: string): number {
  if (!/^\d{1,15}$/.test(after)) throw new DomainError(CommonErrors['request.invalid_cursor'], 'The cursor is not one this API returned.');
  return Number(after);
}

/** The key of a list ordered by a bigint column, checked to fit one (400 otherwise). */
export function bigintCursor(after: string): bigint {
  if (!/^\d{1,19}$/.test(after) || BigInt(after) > INT8_MAX) {
    throw new DomainError(CommonErrors['request.invalid_cursor'], 'The cursor is not one this API returned.');
  }
  return BigInt(after);
}
