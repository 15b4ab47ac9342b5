import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { CommonErrors, DomainError } from '@statemesh/common';
import type { FastifyRequest } from 'fastify';
import { parseIfMatch } from './versioned';

/**
 * The version the client expects (`If-Match`), or undefined when it sent none.
 * A tag this API never issued cannot match: 412 straight away.
 */
export const IfMatch = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const parsed = parseIfMatch(request.headers['if-match']);
  if (parsed === null) {
    throw new DomainError(CommonErrors['request.precondition_failed'], 'If-Match does not match the current version of the resource.');
  }
  return parsed === '*' ? undefined : parsed;
});

export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag of the version being changed; answers 412 if the resource has changed since.',
  });

/** Throws 412 unless the expected version (if any) is the current one. */
export function assertVersion(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) {
    throw new DomainError(CommonErrors['request.precondition_failed'], `The resource is at version v${current}, not v${expected}.`);
  }
}
