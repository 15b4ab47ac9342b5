import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { AgentVmState } from '@statemesh/agent-protocol';
import { AppConfig } from '@statemesh/config';
import { DomainError, notFound } from '@statemesh/common';
import { PgNotificationListener, type Assignment } from '@statemesh/database';
import { SignalBus } from '@statemesh/redis';
import { SecretsService, findSecretReferences, renderTemplate } from '@statemesh/secrets';
import { VmHealthService } from '../healing/vm-health.service';
import { VolumeAttachmentService, VolumeSnapshotsService } from '@statemesh/storage';
import { VmSnapshotsService } from '../snapshots/vm-snapshots.service';
import { VmLifecycleService } from '../vms/vm-lifecycle.service';
import { VmRepository } from '../vms/vm.repository';
import { VmsErrors } from '../vms/vms.errors';
import type { AcknowledgeAssignmentDto, AssignmentAckDto, AssignmentDto, VmStatusReportDto, VmStatusReportResultDto } from './dto/assignment.dto';
import { nodeSignal } from './assignment-issuer';
import { ASSIGNMENTS_CHANNEL, AssignmentRepository } from './assignment.repository';

const BATCH = 50;

/**
 * The node agent's side of VM work: long-polled assignments, their
 * acknowledgements and VM status reports. Everything is scoped to the
 * authenticated node: another node's assignment or VM is 404.
 */
@Injectable()
export class AgentAssignmentsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentAssignmentsService.name);
  private listener: PgNotificationListener | undefined;

  constructor(
    private readonly assignments: AssignmentRepository,
    private readonly vms: VmRepository,
    private readonly lifecycle: VmLifecycleService,
    private readonly health: VmHealthService,
    private readonly snapshots: VmSnapshotsService,
    private readonly volumes: VolumeAttachmentService,
    private readonly volumeSnapshots: VolumeSnapshotsService,
    private readonly secrets: SecretsService,
    private readonly signals: SignalBus,
    private readonly config: AppConfig,
  ) {}

  /** Long-polls wake on PostgreSQL NOTIFY from whichever process committed the assignment. */
  onModuleInit(): void {
    this.listener = new PgNotificationListener(
      this.config.database.url,
      ASSIGNMENTS_CHANNEL,
      (nodeId) => this.signals.wakeLocal(nodeSignal(nodeId)),
      () => this.signals.wakeAllLocal(),
    );
    this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.stop();
  }

  /**
   * Answers at once with the node's waiting work, or waits for a signal
   * that work arrived (no polling of PostgreSQL in between) and answers
   * then; an empty list after `waitSeconds`.
   */
  async poll(nodeId: string, waitSeconds: number, abort?: AbortSignal): Promise<AssignmentDto[]> {
    const deadline = Date.now() + Math.min(waitSeconds, this.config.compute.assignmentMaxWaitSeconds) * 1000;
    const listener = await this.signals.listen(nodeSignal(nodeId));
    try {
      for (;;) {
        const claimed = await this.assignments.claim(nodeId, this.config.compute.assignmentAckTimeoutSeconds, BATCH);
        if (claimed.length > 0) return this.deliverable(claimed);
        const remaining = deadline - Date.now();
        if (remaining <= 0 || abort?.aborted) return [];
        await listener.wait(remaining, abort);
      }
    } finally {
      listener.close();
    }
  }

  async acknowledge(nodeId: string, assignmentId: string, input: AcknowledgeAssignmentDto): Promise<AssignmentAckDto> {
    const result = await this.assignments.acknowledge(nodeId, assignmentId, input.outcome, input.message);
    if (!result) throw new DomainError(VmsErrors['assignment.not_found'], 'The node has no such assignment.');
    const { assignment, first } = result;
    if (first) await this.applyOutcome(nodeId, assignment, input);
    return { id: assignment.id, status: assignment.status };
  }

  async report(nodeId: string, vmId: string, input: VmStatusReportDto): Promise<VmStatusReportResultDto> {
    const vm = await this.vms.findById(vmId);
    if (!vm || vm.nodeId !== nodeId) throw notFound('VM');
    const result = await this.lifecycle.report(vm, input.state as AgentVmState, input.message, `node:${nodeId}`);
    if (input.healthy !== undefined && input.state === 'running') {
      const now = await this.vms.findById(vmId);
      if (now && now.nodeId === nodeId) await this.health.report(now, input.healthy, input.message, `node:${nodeId}`);
    }
    return result;
  }

  private async applyOutcome(nodeId: string, assignment: Assignment, input: AcknowledgeAssignmentDto): Promise<void> {
    const snapshotId = (assignment.payload as { snapshotId?: string }).snapshotId;
    const done = input.outcome === 'done';
    if (assignment.action === 'snapshot-vm' && snapshotId) {
      await this.snapshots.completed(snapshotId, input.outcome, input.message);
      return;
    }
    if (assignment.action === 'snapshot-volume' && snapshotId) {
      await this.volumeSnapshots.finish(snapshotId, done ? 'available' : 'error');
      return;
    }
    if (assignment.action === 'prepare-volume' && assignment.volumeId) {
      await this.volumes.finishCreation(assignment.volumeId, done ? { status: 'available' } : { status: 'error', reason: input.message ?? 'The node could not fill the volume from its source.' });
      return;
    }
    if (!assignment.vmId) return;
    const vm = await this.vms.findById(assignment.vmId);
    if (!vm || vm.nodeId !== nodeId || vm.generation !== assignment.generation) return;
    if (assignment.action === 'delete-vm' && input.outcome === 'done') {
      await this.lifecycle.deletedOnNode(vm.id, `node:${nodeId}`);
    } else if (input.outcome === 'failed' && ['create-vm', 'start-vm', 'restart-vm', 'reset-vm'].includes(assignment.action)) {
      await this.lifecycle.report(vm, 'failed', input.message ?? `${assignment.action} failed on the node.`, `node:${nodeId}`);
    }
  }

  /** Adds what is not stored: cloud-init rendered with the VM's secrets, for this node only. */
  private async deliverable(claimed: Assignment[]): Promise<AssignmentDto[]> {
    const delivered: AssignmentDto[] = [];
    for (const assignment of claimed) {
      const payload = assignment.payload as Record<string, unknown>;
      const dto: AssignmentDto = { id: assignment.id, action: assignment.action, vmId: assignment.vmId ?? '', generation: assignment.generation, ...payload };
      const vm = dto.vm as { cloudInit?: string } | undefined;
      if (vm?.cloudInit && assignment.vmId) {
        try {
          dto.vm = { ...vm, cloudInit: await this.render(assignment.vmId, vm.cloudInit) };
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          // A secret the template names was deleted since: the VM cannot boot as asked.
          this.logger.warn(`assignment ${assignment.id}: cloud-init cannot be rendered (${error.code})`);
          await this.acknowledge(assignment.nodeId, assignment.id, { outcome: 'failed', message: `cloud-init cannot be rendered: ${error.detail}` });
          continue;
        }
      }
      delivered.push(dto);
    }
    return delivered;
  }

  private async render(vmId: string, template: string): Promise<string> {
    const names = findSecretReferences(template);
    if (names.length === 0) return template;
    const vm = await this.vms.findById(vmId);
    if (!vm) throw notFound('VM');
    return renderTemplate(template, await this.secrets.revealForAccount(vm.accountId, names));
  }
}
