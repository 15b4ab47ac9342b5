import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { DomainError, newId, notFound, type FieldError } from '@statemesh/common';
import { TransactionRunner, isUniqueViolation } from '@statemesh/database';
import { assertVersion, bigintCursor, pageRequest, toPage, Versioned, type Page } from '@statemesh/http';
import type { AccountAccess } from '@statemesh/identity';
import { SignalBus } from '@statemesh/redis';
import { SecretTemplateError, SecretsService, findSecretReferences } from '@statemesh/secrets';
import { VolumeAttachmentService } from '@statemesh/storage';
import { RunwayPolicy } from '@statemesh/wallets';
import { vmSignal } from '../assignments/assignment-issuer';
import { ComputeError } from '../compute.errors';
import { entrypointFqdn } from '../entrypoints/entrypoint-name';
import type { VmStatus, VmUserAction } from '../lifecycle/vm-lifecycle.types';
import { toOperationResponse } from '../operations/operation.mapper';
import { placementRequestOf, VmPlacementService } from '../placement/vm-placement.service';
import type { CreateVmDto, PlacementPreviewDto, UpdateVmDto, VmAcceptedDto, VmEventDto, VmListQueryDto, VmResponseDto } from './dto/vm.dto';
import { CatalogService } from '../catalog/catalog.service';
import { VmSnapshotRepository } from '../snapshots/vm-snapshot.repository';
import type { ResolvedVmCatalog } from '../catalog/catalog.types';
import { QuotasService } from '../quotas/quotas.service';
import { healingColumnsForUpdate } from '../healing/vm-healing-fields';
import { VmAcceptanceService, catalogRequestOf } from './vm-acceptance.service';
import { VmLifecycleService } from './vm-lifecycle.service';
import { toVmEventResponse, toVmResponse } from './vm.mapper';
import { VmRepository, type VmWithPorts } from './vm.repository';
import { VmsErrors } from './vms.errors';

const MAX_LABELS = 64;
const LABEL_KEY = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/;

/** Customers' VMs: create (or preview placement), read, change, act on, wait for; always within the caller's account. */
@Injectable()
export class VmsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly acceptance: VmAcceptanceService,
    private readonly catalog: CatalogService,
    private readonly quotas: QuotasService,
    private readonly lifecycle: VmLifecycleService,
    private readonly placement: VmPlacementService,
    private readonly secrets: SecretsService,
    private readonly runway: RunwayPolicy,
    private readonly volumes: VolumeAttachmentService,
    private readonly snapshots: VmSnapshotRepository,
    private readonly signals: SignalBus,
    private readonly config: AppConfig,
  ) {}

  /**
   * Accepts a VM (`VmAcceptanceService`): the VM, its entrypoints, its first
   * event, its operation and its placement job commit together. `halted` VMs
   * are created stopped, without a node; the others need a balance covering
   * MIN_RUNWAY_HOURS of them (402 with the shortfall otherwise).
   */
  async create(access: AccountAccess, actor: string, input: CreateVmDto): Promise<VmAcceptedDto> {
    const checked = await this.validate(access.accountId, input);
    const restore = input.fromSnapshotId ? await this.restorableSnapshot(access.accountId, input, checked) : null;
    const halted = input.runStrategy === 'halted';
    const hourlyPrice = halted ? null : await this.hourlyPriceOf(checked.instanceType.name, input.ports ?? []);
    const id = newId();
    const accepted = await this.acceptance.accept({ id, accountId: access.accountId, actor, input, fqdn: this.fqdnOf(input.name, id, checked.zone.name), restore, hourlyPrice });
    // Answered from what was written: a new VM has no volumes yet.
    return { vm: toVmResponse(accepted.vm), operation: toOperationResponse(accepted.operation) };
  }

  /** `?dryRun=true`: the same checks as a create, then the placement decision; nothing is written or reserved. */
  async preview(access: AccountAccess, input: CreateVmDto): Promise<PlacementPreviewDto> {
    const spec = await this.validate(access.accountId, input);
    await this.enforceQuota(access.accountId, spec);
    const decision = await this.placement.preview(
      placementRequestOf({
        vcpu: spec.instanceType.vcpu,
        memoryMib: spec.instanceType.memoryMib,
        rootDiskGib: input.rootDiskGib ?? spec.image.minDiskGib,
        gpuCount: spec.instanceType.gpuCount,
        gpuModel: spec.instanceType.gpuModel,
        zone: spec.zone.name,
        arch: spec.image.arch,
        antiAffinityGroup: input.antiAffinityGroup ?? null,
        placementStrategy: input.placementStrategy ?? 'binpack',
      }),
      access.accountId,
    );
    return { placeable: decision.chosenNodeId !== null, explanation: decision.explanation };
  }

  async list(access: AccountAccess, query: VmListQueryDto): Promise<Page<VmResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.vms.list({ accountId: access.accountId, status: query.status, zone: query.zone, name: query.name }, request);
    const page = toPage(rows, request, (row) => row.id, (row) => row);
    return { items: await Promise.all(page.items.map((row) => this.render(row))), nextCursor: page.nextCursor };
  }

  async get(access: AccountAccess, vmId: string): Promise<Versioned<VmResponseDto>> {
    const vm = await this.owned(access, vmId);
    return new Versioned(await this.render(vm), vm.version);
  }

  /** Renames (the entrypoints follow), relabels or changes the run strategy, at the version the caller read. */
  async update(access: AccountAccess, vmId: string, input: UpdateVmDto, expectedVersion: number | undefined): Promise<Versioned<VmResponseDto>> {
    const vm = await this.owned(access, vmId);
    assertVersion(expectedVersion, vm.version);
    if (input.labels) assertLabels(input.labels);
    if (input.runStrategy === 'halted' && !['stopped', 'failed', 'suspended', 'crashLoop'].includes(vm.status)) {
      throw new DomainError(VmsErrors['vm.invalid_spec'], 'Stop the VM before setting run strategy halted.', {}, [
        { field: 'runStrategy', code: 'vm_not_stopped', message: 'only a stopped VM can be halted' },
      ]);
    }
    try {
      await this.tx.run(async (db) => {
        const updated = await this.vms.updateAttributes(
          vm.id,
          vm.version,
          {
            ...(input.name !== undefined ? { name: input.name, liveName: input.name } : {}),
            ...(input.labels !== undefined ? { labels: input.labels } : {}),
            ...(input.runStrategy !== undefined ? { runStrategy: input.runStrategy } : {}),
            ...healingColumnsForUpdate(input),
          },
          db,
        );
        if (!updated) assertVersion(vm.version, vm.version + 1);
        if (input.name !== undefined && input.name !== vm.name) await this.vms.renamePorts(vm.id, this.fqdnOf(input.name, vm.id, vm.zone), db);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'vms_accountId_liveName_key')) {
        throw new DomainError(VmsErrors['vm.name_taken'], `The account already has a VM named ${input.name}.`);
      }
      throw error;
    }
    return this.get(access, vmId);
  }

  async act(access: AccountAccess, actor: string, vmId: string, action: VmUserAction, expectedVersion?: number): Promise<VmAcceptedDto> {
    const vm = await this.owned(access, vmId);
    assertVersion(expectedVersion, vm.version);
    if (action === 'start') await this.assertRunway(access.accountId, vm.instanceType, vm.ports);
    const result = await this.lifecycle.act(vm, action, actor);
    return { vm: await this.render(result.vm), operation: toOperationResponse(result.operation) };
  }

  async events(access: AccountAccess, vmId: string, query: { limit?: number; cursor?: string }): Promise<Page<VmEventDto>> {
    await this.owned(access, vmId);
    const request = pageRequest(query);
    const rows = await this.vms.events(vmId, { after: request.after !== undefined ? bigintCursor(request.after) : undefined, limit: request.limit });
    return toPage(rows, request, (row) => row.id.toString(), toVmEventResponse);
  }

  /**
   * Long-polls until the VM has `status` (200 with the VM) or the timeout
   * passes (408). A VM being waited on for `deleted` answers as soon as it is.
   */
  async waitFor(access: AccountAccess, vmId: string, status: VmStatus, timeoutSeconds: number, abort?: AbortSignal): Promise<VmResponseDto> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    const listener = await this.signals.listen(vmSignal(vmId));
    try {
      for (;;) {
        const vm = await this.vms.findById(vmId);
        if (!vm || vm.accountId !== access.accountId || (vm.deletedAt !== null && status !== 'deleted')) throw notFound('VM');
        if (vm.status === status) return this.render(vm);
        const remaining = deadline - Date.now();
        if (remaining <= 0 || abort?.aborted) {
          throw new DomainError(VmsErrors['vm.wait_timeout'], `The VM is ${vm.status}, not ${status}, after ${timeoutSeconds} s.`, { currentStatus: vm.status });
        }
        // Re-read at least every 5 s even without a signal: signals are a shortcut, not the source of truth.
        await listener.wait(Math.min(remaining, 5_000), abort);
      }
    } finally {
      listener.close();
    }
  }

  /** The VM as clients see it, with the ids of its attached volumes. */
  private async render(vm: VmWithPorts): Promise<VmResponseDto> {
    const volumes = vm.deletedAt ? [] : await this.volumes.attachedTo(vm.id);
    return toVmResponse(vm, volumes.map((volume) => volume.id));
  }

  async owned(access: AccountAccess, vmId: string): Promise<VmWithPorts> {
    const vm = await this.vms.findInAccount(access.accountId, vmId);
    if (!vm) throw notFound('VM');
    return vm;
  }

  private async validate(accountId: string, input: CreateVmDto): Promise<ResolvedVmCatalog> {
    const problems: FieldError[] = [];
    if (input.labels) problems.push(...labelProblems(input.labels));
    const seen = new Set<string>();
    input.ports?.forEach((port, index) => {
      const key = `${port.protocol}/${port.targetPort}`;
      if (seen.has(key)) problems.push({ field: `ports[${index}]`, code: 'duplicate_port', message: `port ${key} is listed twice` });
      seen.add(key);
    });
    if (input.cloudInit !== undefined) {
      if (Buffer.byteLength(input.cloudInit, 'utf8') > 64 * 1024) problems.push({ field: 'cloudInit', code: 'too_large', message: 'cloudInit must be at most 64 KiB' });
      problems.push(...(await this.cloudInitProblems(accountId, input.cloudInit)));
    }
    if (problems.length > 0) throw new DomainError(VmsErrors['vm.invalid_spec'], problems.map((problem) => problem.message).join('; ') + '.', {}, problems);
    return this.catalog.resolveForVm(catalogRequestOf({ accountId, input }));
  }

  private async cloudInitProblems(accountId: string, template: string): Promise<FieldError[]> {
    let names: string[];
    try {
      names = findSecretReferences(template);
    } catch (error) {
      if (error instanceof SecretTemplateError) return [{ field: 'cloudInit', code: 'invalid_template', message: error.detail }];
      throw error;
    }
    const missing = names.length > 0 ? await this.secrets.findMissing(accountId, names) : [];
    return missing.map((name) => ({ field: 'cloudInit', code: 'unknown_secret', message: `cloudInit references secret ${name}, which the account does not have` }));
  }

  private async assertRunway(accountId: string, instanceType: string, ports: ReadonlyArray<{ protocol: string }>): Promise<void> {
    await this.runway.assertCanRun(accountId, await this.hourlyPriceOf(instanceType, ports));
  }

  private hourlyPriceOf(instanceType: string, ports: ReadonlyArray<{ protocol: string }>): Promise<bigint> {
    return this.runway.hourlyPriceOfVm({ instanceType, udpPorts: ports.filter((port) => port.protocol === 'udp').length });
  }

  /** A VM snapshot the new VM can boot from: the account's, available, in the VM's zone, of its image, no larger than its disk. */
  private async restorableSnapshot(accountId: string, input: CreateVmDto, spec: ResolvedVmCatalog): Promise<{ id: string; nodeId: string }> {
    const snapshot = await this.snapshots.findInAccount(accountId, input.fromSnapshotId!);
    const rootDiskGib = input.rootDiskGib ?? spec.image.minDiskGib;
    const problem = !snapshot
      ? 'the account has no such VM snapshot'
      : snapshot.status !== 'available'
        ? `the snapshot is ${snapshot.status}`
        : snapshot.zone !== spec.zone.name
          ? `the snapshot is in zone ${snapshot.zone}`
          : snapshot.image !== spec.image.name
            ? `the snapshot is of image ${snapshot.image}`
            : snapshot.rootDiskGib > rootDiskGib
              ? `the snapshot needs a root disk of at least ${snapshot.rootDiskGib} GiB`
              : null;
    if (problem || !snapshot) {
      throw new DomainError(VmsErrors['vm.invalid_spec'], `Cannot boot from snapshot ${input.fromSnapshotId}: ${problem}.`, {}, [
        { field: 'fromSnapshotId', code: 'not_restorable', message: problem ?? 'not restorable' },
      ]);
    }
    return { id: snapshot.id, nodeId: snapshot.nodeId };
  }

  private async enforceQuota(accountId: string, spec: ResolvedVmCatalog): Promise<void> {
    await this.quotas.assertFits(accountId, { vms: 1, vcpu: spec.instanceType.vcpu, memoryMib: spec.instanceType.memoryMib });
  }

  private fqdnOf(name: string, id: string, zone: string): string {
    try {
      return entrypointFqdn(name, id, zone, this.config.dns.baseDomain);
    } catch (error) {
      if (error instanceof ComputeError) throw new DomainError(VmsErrors['entrypoint.name_too_long'], error.message);
      throw error;
    }
  }
}

function labelProblems(labels: Record<string, unknown>): FieldError[] {
  const entries = Object.entries(labels);
  const problems: FieldError[] = [];
  if (entries.length > MAX_LABELS) problems.push({ field: 'labels', code: 'too_many', message: `at most ${MAX_LABELS} labels` });
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) problems.push({ field: `labels.${key}`, code: 'invalid_key', message: `label key ${JSON.stringify(key.slice(0, 70))} must be 1-63 lowercase letters, digits, ".", "_", "/" or "-"` });
    if (typeof value !== 'string' || value.length > 255) problems.push({ field: `labels.${key}`, code: 'invalid_value', message: `label ${key} must be a string of at most 255 characters` });
  }
  return problems;
}

function assertLabels(labels: Record<string, unknown>): void {
  const problems = labelProblems(labels);
  if (problems.length > 0) throw new DomainError(VmsErrors['vm.invalid_spec'], problems.map((problem) => problem.message).join('; ') + '.', {}, problems);
}
