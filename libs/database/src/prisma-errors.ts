import { Prisma } from './generated/prisma/client';

/**
 * True when `error` is a unique-constraint violation, optionally of one named
 * constraint. Through the pg driver adapter, P2002's `meta.target` is empty;
 * the constraint name is reported by the driver error instead.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  if (constraint === undefined) return true;
  return violatedConstraint(error) === constraint;
}

export function violatedConstraint(error: Prisma.PrismaClientKnownRequestError): string | undefined {
  const meta = error.meta as
    | { target?: unknown; driverAdapterError?: { cause?: { constraint?: unknown } } }
    | undefined;
  const fromDriver = meta?.driverAdapterError?.cause?.constraint;
  if (typeof fromDriver === 'string') return fromDriver;
  if (fromDriver && typeof fromDriver === 'object' && 'index' in fromDriver) return String((fromDriver as { index: unknown }).index);
  return typeof meta?.target === 'string' ? meta.target : undefined;
}

/** True when an update/delete found no row to act on (P2025). */
export function isRecordNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}

/**
 * Failures that say "busy", not "broken": a transaction that could not start
 * or finish in time (P2028), a pool with no free connection in time (P2024),
 * a write conflict or deadlock PostgreSQL resolved by aborting us (P2034).
 * Retrying the request later is the right answer to the client.
 */
export function isTransientDatabaseFailure(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && ['P2024', 'P2028', 'P2034'].includes(error.code);
}
