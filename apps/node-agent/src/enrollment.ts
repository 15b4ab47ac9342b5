import type { NodeResponseDto, RegisterNodeDto } from '@statemesh/sdk';
import type { AgentApiClient } from './api/agent-api-client';

export interface RegistrationRequest {
  /** An operator's access token or API token with nodes:write. */
  bearer: string;
  accountId: string;
  node: Omit<RegisterNodeDto, 'publicKey'>;
  publicKey: string;
}

/**
 * Registers the node under the operator's account, or finds it when it was
 * registered before with this key (a restarted enrollment). A node of that
 * name with another key is an error: two machines must not share a name.
 */
export async function enrollNode(api: AgentApiClient, request: RegistrationRequest): Promise<NodeResponseDto> {
  const existing = await findNodeByName(api, request.bearer, request.accountId, request.node.name);
  if (existing) {
    if (existing.publicKey !== request.publicKey) {
      throw new Error(`node ${request.node.name} is registered with another key; use that key file or another name`);
    }
    if (existing.status === 'decommissioned') throw new Error(`node ${request.node.name} is decommissioned; register it under another name`);
    return existing;
  }
  return api.registerNode(request.bearer, request.accountId, { ...request.node, publicKey: request.publicKey });
}

async function findNodeByName(api: AgentApiClient, bearer: string, accountId: string, name: string): Promise<NodeResponseDto | undefined> {
  let cursor: string | undefined;
  do {
    const page = await api.listNodes(bearer, accountId, cursor);
    const found = page.items.find((node) => node.name === name);
    if (found) return found;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return undefined;
}
