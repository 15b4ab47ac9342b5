import { Type as NestType } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

const pageClasses = new Map<NestType<unknown>, NestType<unknown>>();

/**
 * The OpenAPI schema of `{items: T[], nextCursor}` for one item DTO, named
 * `<Item>Page` so generated SDKs get a proper type per list.
 */
export function PageOf<T>(item: NestType<T>): NestType<{ items: T[]; nextCursor: string | null }> {
  const existing = pageClasses.get(item);
  if (existing) return existing as NestType<{ items: T[]; nextCursor: string | null }>;
  class PageDto {
    @ApiProperty({ type: item, isArray: true })
    items: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page.' })
    nextCursor: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/(Response)?Dto$/, '')}Page` });
  pageClasses.set(item, PageDto);
  return PageDto;
}
