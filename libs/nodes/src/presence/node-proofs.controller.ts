import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, type Page } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { NodeProofDto, ProofListQueryDto } from './dto/proof.dto';
import { ProofsService } from './proofs.service';

@ApiTags('nodes')
@Controller('v1/accounts/:accountId/nodes/:nodeId/proofs')
export class NodeProofsController {
  constructor(private readonly proofs: ProofsService) {}

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'nodes:read' })
  @ApiOperation({ summary: "The node's accepted presence proofs, newest first: its hash-linked chain." })
  @ApiOkResponse({ type: PageOf(NodeProofDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('nodeId') nodeId: string,
    @Query() query: ProofListQueryDto,
  ): Promise<Page<NodeProofDto>> {
    return this.proofs.list(access, nodeId, query);
  }
}
