import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: unknown field, wrong type, malformed JSON.',
  401: 'Missing, invalid, expired or revoked credentials.',
  402: 'The wallet cannot cover the request.',
  403: 'Insufficient role or token scope on this account.',
  404: 'Not found, or not visible to the caller.',
  408: 'The wait timed out.',
  409: 'Conflicts with the current state.',
  412: 'If-Match does not match the current version.',
  413: 'The request body is too large.',
  415: 'Unsupported media type.',
  422: 'Semantically invalid request.',
  429: 'Rate limited; see Retry-After.',
  500: 'Internal error; quote the errorId.',
  503: 'A dependency is unavailable.',
};

/** Documents problem+json responses for the given statuses. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
