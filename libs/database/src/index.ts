export * from './database.module';
export * from './prisma.service';
export * from './transaction-runner';
export * from './advisory-locks';
export * from './prisma-errors';
export { Prisma } from './generated/prisma/client';
export type * from './generated/prisma/client';
export * from './pg-notification.listener';
