import { Prisma } from './generated/prisma/client';

/**
 * True when `error` is a unique-constraint violation, optionally of one named
 * constraint: P2002 from a model query, or P2010 (raw query failed) whose
 * driver error says so. Through the pg driver adapter, P2002's `meta.target`
 * is empty; the constraint name is reported by the driver error instead.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  const fromRawQuery = error.code === 'P2010' && driverErrorKind(error) === 'UniqueConstraintViolation';
  if (error.code !== 'P2002' && !fromRawQuery) return false;
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

function driverErrorKind(error: Prisma.PrismaClientKnownRequestError): unknown {
  return (error.meta as { driverAdapterError?: { cause?: { kind?: unknown } } } | undefined)?.driverAdapterError?.cause?.kind;
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
