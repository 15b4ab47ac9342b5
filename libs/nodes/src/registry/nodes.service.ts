import { Injectable } from '@nestjs/common';
import { NodeKeyError, canonicalPublicKey } from '@statemesh/agent-protocol';
import { AppConfig } from '@statemesh/config';
import { DomainError, newId, notFound } from '@statemesh/common';
import { isUniqueViolation, type Node } from '@statemesh/database';
import { pageRequest, toPage, type Page, type Versioned } from '@statemesh/http';
import type { AccountAccess } from '@statemesh/identity';
import { nodeClassToDb } from '../node-model';
import { NodesErrors } from '../nodes.errors';
import type { NodeListQueryDto, NodeResponseDto, RegisterNodeDto } from './dto/node.dto';
import { minimumHardwareProblems } from './hardware-requirements';
import { NodeViews } from './node-views.service';
import { NodeRepository, type NodeFilters } from './node.repository';

/** Operators' nodes: registration, reading and decommissioning, always within the caller's account. */
@Injectable()
export class NodesService {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly views: NodeViews,
    private readonly config: AppConfig,
  ) {}

  /**
   * Registers a node as a candidate. The platform trusts nothing about it
   * yet: it becomes eligible for work only after proving presence for K
   * epochs. The declared capacity is final (agents cannot raise it).
   */
  async register(access: AccountAccess, input: RegisterNodeDto): Promise<Versioned<NodeResponseDto>> {
    let publicKey: string;
    try {
      publicKey = canonicalPublicKey(input.publicKey);
    } catch (error) {
      if (!(error instanceof NodeKeyError)) throw error;
      throw new DomainError(NodesErrors['node.invalid_public_key'], `publicKey: ${error.message}.`, {}, [
        { field: 'publicKey', code: 'invalid_public_key', message: error.message },
      ]);
    }
    const problems = minimumHardwareProblems(input.capacity, this.config.nodes);
    if (problems.length > 0) {
      throw new DomainError(
        NodesErrors['node.below_minimum_hardware'],
        `Nodes need at least ${this.config.nodes.minVcpu} vCPU, ${this.config.nodes.minMemoryMib} MiB of memory and ${this.config.nodes.minDiskGib} GiB of disk.`,
        {},
        problems,
      );
    }
    let node: Node;
    try {
      node = await this.nodes.create({
        id: newId(),
        accountId: access.accountId,
        name: input.name,
        zone: input.zone,
        class: nodeClassToDb(input.class),
        arch: input.arch,
        virtualization: input.virtualization,
        publicKey,
        address: input.address ?? null,
        capacityVcpu: input.capacity.vcpu,
        capacityMemoryMib: input.capacity.memoryMib,
        capacityDiskGib: input.capacity.diskGib,
        gpus: (input.capacity.gpus ?? []).map((gpu) => ({ model: gpu.model, count: gpu.count })),
      });
    } catch (error) {
      if (isUniqueViolation(error, 'nodes_accountId_name_key')) {
        throw new DomainError(NodesErrors['node.name_taken'], `The account already has a node named ${input.name}.`);
      }
      if (isUniqueViolation(error, 'nodes_publicKey_key')) {
        throw new DomainError(NodesErrors['node.public_key_taken'], 'Another node is registered with this public key; generate a key per node.');
      }
      throw error;
    }
    return this.views.renderOne(node);
  }

  async list(access: AccountAccess, query: NodeListQueryDto): Promise<Page<NodeResponseDto>> {
    return this.page({ accountId: access.accountId, status: query.status, zone: query.zone }, query);
  }

  async get(access: AccountAccess, nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.views.renderOne(await this.owned(access, nodeId));
  }

  /**
   * Stops new placements at once: the node drains, and is decommissioned
   * once nothing runs on it (right away if nothing does). Idempotent.
   */
  async decommission(access: AccountAccess, nodeId: string): Promise<Versioned<NodeResponseDto>> {
    await this.owned(access, nodeId);
    return this.decommissionNode(nodeId);
  }

  async decommissionNode(nodeId: string): Promise<Versioned<NodeResponseDto>> {
    const node = await this.nodes.requestDecommission(nodeId, new Date());
    if (!node) throw notFound('Node');
    return this.views.renderOne(node);
  }

  async page(filters: NodeFilters, query: { limit?: number; cursor?: string }): Promise<Page<NodeResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.nodes.list(filters, request);
    const page = toPage(rows, request, (row) => row.id, (row) => row);
    return { items: await this.views.render(page.items), nextCursor: page.nextCursor };
  }

  private async owned(access: AccountAccess, nodeId: string): Promise<Node> {
    const node = await this.nodes.findInAccount(access.accountId, nodeId);
    if (!node) throw notFound('Node');
    return node;
  }
}
