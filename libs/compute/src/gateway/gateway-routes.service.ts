import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { notFound } from '@statemesh/common';
import { assertGatewayZone, type GatewaySession } from '../gateway-tokens/gateway-session';
import type { ZoneRoutesDto } from './dto/gateway-routes.dto';
import { GatewayRoutesRepository } from './gateway-routes.repository';

/**
 * The routing table edge gateways load for a zone: every entrypoint of a
 * running VM, pointing at the node it runs on now. A VM that stops, is
 * deleted or moves changes the table at the next read.
 */
@Injectable()
export class GatewayRoutesService {
  constructor(
    private readonly routes: GatewayRoutesRepository,
    private readonly config: AppConfig,
  ) {}

  async forZone(gateway: GatewaySession, zone: string): Promise<ZoneRoutesDto> {
    assertGatewayZone(gateway, zone);
    if (!(await this.routes.zoneExists(zone))) throw notFound('Zone');
    const rows = await this.routes.runningRoutes(zone);
    const table: ZoneRoutesDto = { zone, dnsSuffix: `${zone}.${this.config.dns.baseDomain}`, generatedAt: new Date().toISOString(), sni: [], udp: [] };
    for (const row of rows) {
      // A node without a known address cannot be routed to yet (its agent has not reported one).
      if (!row.nodeAddress) continue;
      const target = { nodeAddress: row.nodeAddress, targetPort: row.targetPort, vmId: row.vmId, nodeId: row.nodeId };
      if (row.protocol === 'udp' && row.publicPort !== null) table.udp.push({ publicPort: row.publicPort, ...target });
      else if (row.protocol !== 'udp') table.sni.push({ sni: row.fqdn, protocol: row.protocol, ...target });
    }
    table.udp.sort((a, b) => a.publicPort - b.publicPort);
    return table;
  }
}
