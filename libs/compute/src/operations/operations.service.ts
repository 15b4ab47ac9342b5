import { Injectable } from '@nestjs/common';
import { notFound } from '@statemesh/common';
import type { AccountAccess } from '@statemesh/identity';
import type { OperationResponseDto } from './dto/operation.dto';
import { toOperationResponse } from './operation.mapper';
import { OperationRepository } from './operation.repository';

@Injectable()
export class OperationsService {
  constructor(private readonly operations: OperationRepository) {}

  async get(access: AccountAccess, operationId: string): Promise<OperationResponseDto> {
    const operation = await this.operations.findInAccount(access.accountId, operationId);
    if (!operation) throw notFound('Operation');
    return toOperationResponse(operation);
  }
}
