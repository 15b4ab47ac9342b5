import { Injectable } from '@nestjs/common';
import { PrismaService } from '@statemesh/database';

export interface RouteRow {
  vmId: string;
  nodeId: string;
  nodeAddress: string | null;
  protocol: 'https' | 'tcp' | 'udp';
  targetPort: number;
  fqdn: string;
  publicPort: number | null;
}

/** The routing table's source: the ports of running (and, with a health check, healthy) VMs with the address of the node they run on. */
@Injectable()
export class GatewayRoutesRepository {
  constructor(private readonly prisma: PrismaService) {}

  zoneExists(zone: string): Promise<boolean> {
    return this.prisma.zone.count({ where: { name: zone } }).then((count) => count > 0);
  }

  runningRoutes(zone: string): Promise<RouteRow[]> {
    return this.prisma.$queryRaw<RouteRow[]>`
      SELECT v.id AS "vmId", n.id AS "nodeId", COALESCE(n.address, n."reportedAddress") AS "nodeAddress",
             p.protocol::text AS protocol, p."targetPort", p.fqdn, p."publicPort"
      FROM vm_ports p
      JOIN vms v ON v.id = p."vmId"
      JOIN nodes n ON n.id = v."nodeId"
      WHERE p.zone = ${zone} AND v.status = 'running' AND v.healthy
      ORDER BY p.fqdn, p.protocol, p."targetPort"`;
  }
}
