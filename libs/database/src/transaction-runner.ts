import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import type { Prisma } from './generated/prisma/client';

/** A Prisma client or an open interactive transaction; repositories accept either. */
export type Db = PrismaService | Prisma.TransactionClient;

/**
 * Lets services group several repositories' writes (e.g. a record and its
 * outbox entry) into one transaction without calling Prisma themselves.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: (tx: Prisma.TransactionClient) => Promise<T>, options?: { isolationLevel?: Prisma.TransactionIsolationLevel; timeoutMs?: number }): Promise<T> {
    return this.prisma.$transaction(work, {
      isolationLevel: options?.isolationLevel,
      timeout: options?.timeoutMs ?? 15_000,
      maxWait: 10_000,
    });
  }
}
