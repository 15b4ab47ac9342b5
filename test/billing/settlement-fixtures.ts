import { newId } from '@statemesh/common';
import { Prisma, PrismaService } from '@statemesh/database';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';
import { startApi, type ApiHarness } from '../support/api-harness';
import { scratchDatabaseUrl } from '../support/test-environment';
import { join } from 'node:path';

/**
 * Settlement tests run against a database of their own: settlement charges
 * every VM it finds, so sharing the run's database would move money in
 * other tests' accounts.
 */
export async function startSettlementApi(label: string, overrides: Record<string, string> = {}): Promise<ApiHarness & { databaseUrl: string }> {
  const databaseUrl = scratchDatabaseUrl(label);
  const root = join(__dirname, '../..');
  await applyMigrations(databaseUrl, { schemaDir: join(root, 'prisma/schema'), migrationsDir: join(root, 'prisma/migrations') });
  const api = await startApi({ DATABASE_URL: databaseUrl, ...overrides });
  return {
    ...api,
    databaseUrl,
    close: async () => {
      await api.close();
      await dropDatabase(databaseUrl);
    },
  };
}

export const INSTANCE_TYPE = 's1.small';
/** 10 micro-units per second. */
export const INSTANCE_PRICE_PER_HOUR = 36_000n;
export const UDP_PORT_PRICE_PER_HOUR = 3_600n;
export const FEE_BPS = 1500;

/** Direct rows for what other capabilities own: accounts, nodes, VMs and their history. */
export class SettlementFixture {
  private sequence = 0;

  constructor(readonly prisma: PrismaService) {}

  /** A price list in effect since the epoch, with known prices. */
  async prices(): Promise<void> {
    await this.prisma.priceList.create({
      data: {
        id: newId(),
        effectiveFrom: new Date(0),
        platformFeeBps: FEE_BPS,
        publicUdpPortPerHour: UDP_PORT_PRICE_PER_HOUR,
        publicIpv4PerHour: 0n,
        createdBy: 'test',
        instanceTypePrices: { create: [{ instanceType: INSTANCE_TYPE, perHour: INSTANCE_PRICE_PER_HOUR }] },
        volumePrices: { create: [{ provider: 'statemesh', perGibHour: 1n }, { provider: 'local', perGibHour: 1n }, { provider: 's3', perGibHour: 1n }] },
      },
    });
  }

  /** An account with its wallet (the database insists on both in one transaction). */
  async account(): Promise<string> {
    const id = newId();
    await this.prisma.$transaction([
      this.prisma.$executeRaw`INSERT INTO accounts (id, name, "updatedAt") VALUES (${id}, ${'account ' + id}, now())`,
      this.prisma.$executeRaw`INSERT INTO wallets (id, kind, "accountId") VALUES (${newId()}, 'account', ${id})`,
    ]);
    return id;
  }

  async node(operatorAccountId: string, createdAt = new Date(0)): Promise<string> {
    const id = newId();
    const n = ++this.sequence;
    await this.prisma.$executeRaw`
      INSERT INTO nodes (id, "accountId", name, zone, class, arch, virtualization, "publicKey", "capacityVcpu", "capacityMemoryMib", "capacityDiskGib",
                         status, "statusChangedAt", "createdAt", "updatedAt")
      VALUES (${id}, ${operatorAccountId}, ${'node-' + id}, 'eu-west', 'datacenter', 'x86_64', true, ${'key-' + id + '-' + n}, 64, 262144, 2000,
              'active', ${createdAt}, ${createdAt}, now())`;
    return id;
  }

  /** Changes a node's status at `at`, as the nodes capability does (the history is written by the database). */
  async nodeStatus(nodeId: string, status: 'active' | 'unreachable' | 'candidate', at: Date): Promise<void> {
    await this.prisma.$executeRaw`UPDATE nodes SET status = ${status}::"NodeStatus", "statusChangedAt" = ${at} WHERE id = ${nodeId}`;
  }

  async vm(accountId: string, createdAt: Date, options: { udpPorts?: number } = {}): Promise<string> {
    const id = `vm${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 24);
    await this.prisma.$executeRaw`
      INSERT INTO vms (id, "accountId", name, "liveName", zone, "instanceType", vcpu, "memoryMib", image, "rootDiskGib", mode, "runStrategy",
                       status, "createdAt", "updatedAt")
      VALUES (${id}, ${accountId}, ${id}, ${id}, 'eu-west', ${INSTANCE_TYPE}, 1, 2048, 'ubuntu-24.04', 20, 'persistent', 'always', 'pending', ${createdAt}, now())`;
    await this.vmStatus(id, accountId, 'pending', null, createdAt);
    for (let port = 0; port < (options.udpPorts ?? 0); port++) {
      await this.prisma.$executeRaw`
        INSERT INTO vm_ports ("vmId", protocol, "targetPort", zone, fqdn, "publicPort")
        VALUES (${id}, 'udp', ${5000 + port}, 'eu-west', ${id + '.eu-west.test'}, ${20000 + ++this.sequence})`;
    }
    return id;
  }

  /** Records a VM status change, as the compute capability does. */
  async vmStatus(vmId: string, accountId: string, status: string, nodeId: string | null, at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO vm_status_changes ("vmId", "accountId", status, "nodeId", "changedAt") VALUES (${vmId}, ${accountId}, ${status}::"VmStatus", ${nodeId}, ${at})`;
    await this.prisma.$executeRaw`
      UPDATE vms SET status = ${status}::"VmStatus", "nodeId" = ${nodeId}, "statusChangedAt" = ${at},
        "deletedAt" = CASE WHEN ${status} = 'deleted' THEN ${at}::timestamptz ELSE "deletedAt" END
      WHERE id = ${vmId}`;
  }

  /** A volume created at `at`, as the storage capability does (its usage history is written by the database). */
  async volume(accountId: string, at: Date, options: { provider?: 'statemesh' | 'local' | 's3'; sizeGib?: number; nodeId?: string | null; status?: string } = {}): Promise<string> {
    const id = `vol${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 24);
    await this.prisma.$executeRaw`
      INSERT INTO volumes (id, "accountId", name, "liveName", zone, "sizeGib", provider, "nodeId", status, "createdAt", "updatedAt")
      VALUES (${id}, ${accountId}, ${id}, ${id}, 'eu-west', ${options.sizeGib ?? 10}, ${options.provider ?? 'statemesh'}::"VolumeProvider",
              ${options.nodeId ?? null}, ${options.status ?? 'available'}::"VolumeStatus", ${at}, ${at})`;
    return id;
  }

  /** Changes a volume at `at` (its updatedAt), as the storage capability does, keeping to the table's checks (a VM while attached, no live name once deleted). */
  async volumeChange(volumeId: string, at: Date, change: { status?: string; sizeGib?: number; nodeId?: string | null; deleted?: boolean }): Promise<void> {
    const status = Prisma.sql`coalesce(${change.status ?? null}::"VolumeStatus", status)`;
    await this.prisma.$executeRaw`
      UPDATE volumes SET
        status = ${status},
        "sizeGib" = coalesce(${change.sizeGib ?? null}::int, "sizeGib"),
        "nodeId" = CASE WHEN ${change.nodeId !== undefined} THEN ${change.nodeId ?? null} ELSE "nodeId" END,
        "deletedAt" = CASE WHEN ${change.deleted ?? false} THEN ${at}::timestamptz ELSE "deletedAt" END,
        "attachedVmId" = CASE WHEN ${status} IN ('attached', 'detaching') THEN coalesce("attachedVmId", 'vm-of-' || id) END,
        "liveName" = CASE WHEN ${status} = 'deleted' THEN NULL ELSE name END,
        version = version + 1, "updatedAt" = ${at}
      WHERE id = ${volumeId}`;
  }

  async balance(accountId: string): Promise<bigint> {
    const rows = await this.prisma.$queryRaw<Array<{ balance: bigint }>>`SELECT balance FROM wallets WHERE "accountId" = ${accountId}`;
    return BigInt(rows[0].balance);
  }

  async walletOf(kind: 'platform_revenue' | 'platform_funding'): Promise<bigint> {
    const rows = await this.prisma.$queryRaw<Array<{ balance: bigint }>>`SELECT balance FROM wallets WHERE id = ${kind}`;
    return BigInt(rows[0].balance);
  }
}
