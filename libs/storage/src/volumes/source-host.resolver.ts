import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';

/**
 * Resolves the host of a source URL or S3 endpoint to every IPv4 and IPv6
 * address it has, as the SSRF guard needs. A class of its own so tests (and
 * deployments with their own resolver) can replace it.
 */
@Injectable()
export class SourceHostResolver {
  async resolve(hostname: string): Promise<string[]> {
    const records = await lookup(hostname, { all: true, verbatim: true });
    return records.map((record) => record.address);
  }
}
