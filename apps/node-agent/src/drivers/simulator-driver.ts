import type { VmHealthCheckSpec, VmSpec, VolumeAttachmentSpec, VolumeSourceSpec } from '@statemesh/agent-protocol';
import { DriverError, type HypervisorDriver, type ResourceUsage, type SnapshotInfo, type VmInfo } from './hypervisor-driver';

export interface SimulatorFaults {
  /** Probability that a boot (create, start, reset) ends in `failed`. */
  bootFailureRate?: number;
  /** Probability per running VM per second that it crashes to `failed`. */
  crashRatePerSecond?: number;
}

export interface SimulatorOptions {
  /** How long a VM is `provisioning` before it runs. */
  bootDelayMs?: number;
  /** How long a clean shutdown takes. */
  stopDelayMs?: number;
  faults?: SimulatorFaults;
  /** A source of randomness in [0, 1), for reproducible fault injection. */
  random?: () => number;
  now?: () => Date;
}

interface SimulatedVm {
  info: VmInfo;
  timer?: NodeJS.Timeout;
  mode: 'persistent' | 'transient';
  /** Changes written to the root disk since it was created from its image (the simulated disk's content). */
  rootDiskWrites: number;
  /** What the simulated guest's health check answers. */
  healthy: boolean;
}

/**
 * A hypervisor that exists only in memory, so that a whole cloud runs on one
 * machine: VMs boot after a configurable delay, stop, crash and fail on
 * demand (fault injection), and their resources are accounted for.
 */
export class SimulatorDriver implements HypervisorDriver {
  readonly name = 'simulator';
  private readonly vms = new Map<string, SimulatedVm>();
  private readonly snapshots = new Map<string, SnapshotInfo>();
  private readonly specs = new Map<string, VmSpec>();
  private readonly preparedVolumes = new Map<string, VolumeAttachmentSpec & { from: VolumeSourceSpec }>();
  private readonly listeners = new Set<(vm: VmInfo) => void>();
  private readonly crashTimer?: NodeJS.Timeout;
  private readonly nextBootFailures = new Set<string>();
  private fenceTimer?: NodeJS.Timeout;
  private fenced = 0;
  private readonly options: Required<Omit<SimulatorOptions, 'faults'>> & { faults: SimulatorFaults };

  constructor(options: SimulatorOptions = {}) {
    this.options = {
      bootDelayMs: options.bootDelayMs ?? 2_000,
      stopDelayMs: options.stopDelayMs ?? 500,
      faults: options.faults ?? {},
      random: options.random ?? Math.random,
      now: options.now ?? (() => new Date()),
    };
    if (this.options.faults.crashRatePerSecond) {
      this.crashTimer = setInterval(() => this.maybeCrash(), 1_000);
      this.crashTimer.unref();
    }
  }

  async createVm(spec: VmSpec): Promise<VmInfo> {
    if (this.vms.has(spec.vmId)) throw new DriverError('vm.exists', `VM ${spec.vmId} exists`);
    this.specs.set(spec.vmId, { ...spec });
    const vm: SimulatedVm = {
      info: {
        vmId: spec.vmId,
        state: 'provisioning',
        since: this.options.now(),
        vcpu: spec.vcpu,
        memoryMib: spec.memoryMib,
        diskGib: spec.diskGib,
        volumes: [],
        ...(spec.generation !== undefined ? { generation: spec.generation } : {}),
      },
      mode: spec.mode ?? 'persistent',
      rootDiskWrites: 0,
      healthy: true,
    };
    this.vms.set(spec.vmId, vm);
    this.emit(vm);
    this.boot(vm);
    return { ...vm.info };
  }

  async startVm(vmId: string): Promise<VmInfo> {
    const vm = this.get(vmId);
    if (vm.info.state === 'running' || vm.info.state === 'provisioning') return { ...vm.info };
    // A transient VM boots from a fresh overlay of its image, whatever stopped it (a crash included).
    if (vm.mode === 'transient') vm.rootDiskWrites = 0;
    this.transition(vm, 'provisioning');
    this.boot(vm);
    return { ...vm.info };
  }

  async stopVm(vmId: string): Promise<VmInfo> {
    const vm = this.get(vmId);
    if (vm.info.state === 'stopped') return { ...vm.info };
    this.clearTimer(vm);
    vm.timer = setTimeout(() => this.powerOff(vm), this.options.stopDelayMs);
    vm.timer.unref();
    return { ...vm.info };
  }

  async resetVm(vmId: string): Promise<VmInfo> {
    const vm = this.get(vmId);
    vm.rootDiskWrites = 0;
    this.transition(vm, 'provisioning');
    this.boot(vm);
    return { ...vm.info };
  }

  async deleteVm(vmId: string): Promise<void> {
    const vm = this.vms.get(vmId);
    if (!vm) return;
    this.clearTimer(vm);
    this.vms.delete(vmId);
  }

  async attachVolume(vmId: string, volume: VolumeAttachmentSpec): Promise<void> {
    const vm = this.get(vmId);
    if (vm.info.volumes.includes(volume.volumeId)) throw new DriverError('volume.attached', `volume ${volume.volumeId} is attached to ${vmId}`);
    vm.info.volumes = [...vm.info.volumes, volume.volumeId];
  }

  async detachVolume(vmId: string, volumeId: string): Promise<void> {
    const vm = this.get(vmId);
    if (!vm.info.volumes.includes(volumeId)) throw new DriverError('volume.not_attached', `volume ${volumeId} is not attached to ${vmId}`);
    vm.info.volumes = vm.info.volumes.filter((id) => id !== volumeId);
  }

  async snapshotVm(vmId: string, snapshotId: string): Promise<SnapshotInfo> {
    const vm = this.get(vmId);
    const existing = this.snapshots.get(snapshotId);
    if (existing) return { ...existing };
    const snapshot = { snapshotId, vmId, sizeGib: vm.info.diskGib, createdAt: this.options.now() };
    this.snapshots.set(snapshotId, snapshot);
    return { ...snapshot };
  }

  async listVms(): Promise<VmInfo[]> {
    return [...this.vms.values()].map((vm) => ({ ...vm.info }));
  }

  async prepareVolume(volume: VolumeAttachmentSpec, source: VolumeSourceSpec): Promise<void> {
    if (!this.preparedVolumes.has(volume.volumeId)) this.preparedVolumes.set(volume.volumeId, { ...volume, from: { ...source } });
  }

  async snapshotVolume(volumeId: string, snapshotId: string): Promise<void> {
    if (!this.snapshots.has(snapshotId)) this.snapshots.set(snapshotId, { snapshotId, vmId: '', volumeId, sizeGib: 0, createdAt: this.options.now() });
  }

  /** Volumes this simulated node filled from a source. */
  preparedVolume(volumeId: string): (VolumeAttachmentSpec & { from: VolumeSourceSpec }) | undefined {
    return this.preparedVolumes.get(volumeId);
  }

  /** The spec a VM was created from, as the node received it (rendered cloud-init included). */
  specOf(vmId: string): VmSpec | undefined {
    return this.specs.get(vmId);
  }

  /** The snapshots the simulated node holds (what a test inspects). */
  async listSnapshots(): Promise<SnapshotInfo[]> {
    return [...this.snapshots.values()].map((snapshot) => ({ ...snapshot }));
  }

  async usage(): Promise<ResourceUsage> {
    const usage: ResourceUsage = { vcpu: 0, memoryMib: 0, diskGib: 0 };
    for (const { info } of this.vms.values()) {
      usage.diskGib += info.diskGib;
      if (info.state === 'running' || info.state === 'provisioning') {
        usage.vcpu += info.vcpu;
        usage.memoryMib += info.memoryMib;
      }
    }
    return usage;
  }

  onVmStateChange(listener: (vm: VmInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Simulates the guest writing to its root disk. */
  writeRootDisk(vmId: string, writes = 1): void {
    this.get(vmId).rootDiskWrites += writes;
  }

  /** The changes on the VM's root disk since it was created (or last discarded); undefined without the VM. */
  rootDiskWrites(vmId: string): number | undefined {
    return this.vms.get(vmId)?.rootDiskWrites;
  }

  /** Makes the simulated guest pass or fail its health check. */
  setHealthy(vmId: string, healthy: boolean): void {
    this.get(vmId).healthy = healthy;
  }

  async checkHealth(vmId: string, _check: VmHealthCheckSpec): Promise<boolean> {
    const vm = this.vms.get(vmId);
    return vm !== undefined && vm.info.state === 'running' && vm.healthy;
  }

  setFenceLease(expiresAt: Date | null): void {
    if (this.fenceTimer) clearTimeout(this.fenceTimer);
    this.fenceTimer = undefined;
    if (!expiresAt) return;
    this.fenceTimer = setTimeout(() => this.fence(), Math.max(0, expiresAt.getTime() - this.options.now().getTime()));
    this.fenceTimer.unref();
  }

  /** How many times the fencing lease expired and stopped the node's VMs. */
  get fencings(): number {
    return this.fenced;
  }

  /** Fault injection: the next boot of this VM fails. */
  failNextBoot(vmId: string): void {
    this.nextBootFailures.add(vmId);
  }

  /** Fault injection: the VM crashes now. */
  crash(vmId: string, message = 'simulated crash'): void {
    const vm = this.get(vmId);
    this.clearTimer(vm);
    this.transition(vm, 'failed', message);
  }

  async close(): Promise<void> {
    if (this.crashTimer) clearInterval(this.crashTimer);
    if (this.fenceTimer) clearTimeout(this.fenceTimer);
    for (const vm of this.vms.values()) this.clearTimer(vm);
    this.listeners.clear();
  }

  private boot(vm: SimulatedVm): void {
    this.clearTimer(vm);
    vm.timer = setTimeout(() => {
      const injected = this.nextBootFailures.delete(vm.info.vmId);
      const failed = injected || this.options.random() < (this.options.faults.bootFailureRate ?? 0);
      if (failed) this.transition(vm, 'failed', 'simulated boot failure');
      else this.transition(vm, 'running');
    }, this.options.bootDelayMs);
    vm.timer.unref();
  }

  /** The lease expired: every VM is powered off at once (a hard stop, like a host watchdog would). */
  private fence(): void {
    this.fenceTimer = undefined;
    this.fenced += 1;
    for (const vm of this.vms.values()) {
      if (vm.info.state === 'stopped') continue;
      this.clearTimer(vm);
      this.powerOff(vm, 'fenced: the node lost contact with the control plane');
    }
  }

  /** A stopped transient VM has discarded its root-disk changes. */
  private powerOff(vm: SimulatedVm, message?: string): void {
    if (vm.mode === 'transient') vm.rootDiskWrites = 0;
    this.transition(vm, 'stopped', message);
  }

  private maybeCrash(): void {
    const rate = this.options.faults.crashRatePerSecond ?? 0;
    for (const vm of this.vms.values()) {
      if (vm.info.state === 'running' && this.options.random() < rate) this.transition(vm, 'failed', 'simulated crash');
    }
  }

  private transition(vm: SimulatedVm, state: VmInfo['state'], message?: string): void {
    vm.timer = undefined;
    vm.info = { ...vm.info, state, since: this.options.now(), message };
    this.emit(vm);
  }

  private emit(vm: SimulatedVm): void {
    for (const listener of this.listeners) listener({ ...vm.info });
  }

  private get(vmId: string): SimulatedVm {
    const vm = this.vms.get(vmId);
    if (!vm) throw new DriverError('vm.not_found', `no VM ${vmId} on this node`);
    return vm;
  }

  private clearTimer(vm: SimulatedVm): void {
    if (vm.timer) clearTimeout(vm.timer);
    vm.timer = undefined;
  }
}
