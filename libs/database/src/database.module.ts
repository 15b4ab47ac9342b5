import { Global, Module } from '@nestjs/common';
import { AdvisoryLocks } from './advisory-locks';
import { PrismaService } from './prisma.service';
import { TransactionRunner } from './transaction-runner';

@Global()
@Module({
  providers: [PrismaService, TransactionRunner, AdvisoryLocks],
  exports: [PrismaService, TransactionRunner, AdvisoryLocks],
})
export class DatabaseModule {}
