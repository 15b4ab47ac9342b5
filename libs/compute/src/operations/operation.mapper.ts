import type { Operation } from '@statemesh/database';
import type { OperationResponseDto } from './dto/operation.dto';

export function toOperationResponse(operation: Operation): OperationResponseDto {
  return {
    id: operation.id,
    type: operation.type,
    targetType: operation.targetType,
    targetId: operation.targetId,
    status: operation.status,
    error: (operation.error as OperationResponseDto['error']) ?? null,
    createdAt: operation.createdAt.toISOString(),
    startedAt: operation.startedAt?.toISOString() ?? null,
    completedAt: operation.completedAt?.toISOString() ?? null,
  };
}
