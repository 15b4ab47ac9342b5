import type { AgentVmState, VmHealthCheckSpec, VmSpec, VolumeAttachmentSpec, VolumeSourceSpec } from '@statemesh/agent-protocol';

/** One VM as the hypervisor sees it. */
export interface VmInfo {
  vmId: string;
  state: AgentVmState;
  /** When the VM entered its state. */
  since: Date;
  /** Why, for failures. */
  message?: string;
  vcpu: number;
  memoryMib: number;
  diskGib: number;
  volumes: string[];
  /** The placement generation of this copy (from the create-vm spec), when the driver knows it. */
  generation?: number;
}

export interface SnapshotInfo {
  snapshotId: string;
  /** The VM of a VM snapshot; empty for a volume snapshot. */
  vmId: string;
  /** The volume of a volume snapshot. */
  volumeId?: string;
  sizeGib: number;
  createdAt: Date;
}

/** What the node's VMs use now: vCPU and memory of VMs that run or boot, disk of every VM. */
export interface ResourceUsage {
  vcpu: number;
  memoryMib: number;
  diskGib: number;
}

export type DriverErrorCode = 'vm.not_found' | 'vm.exists' | 'vm.invalid_state' | 'volume.not_attached' | 'volume.attached' | 'driver.failure';

export class DriverError extends Error {
  constructor(
    readonly code: DriverErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DriverError';
  }
}

/**
 * What the agent needs from a hypervisor. Every method is idempotent in
 * effect where it can be (creating a VM that exists with the same id is
 * vm.exists, deleting a missing VM succeeds), because the control plane
 * delivers assignments at least once. Long operations return as soon as they
 * are under way; completion is reported through onVmStateChange (a VM being
 * created or started is `provisioning` until it runs).
 */
export interface HypervisorDriver {
  readonly name: string;
  createVm(spec: VmSpec): Promise<VmInfo>;
  startVm(vmId: string): Promise<VmInfo>;
  /** A clean shutdown; the root disk is kept. */
  stopVm(vmId: string): Promise<VmInfo>;
  /** Re-images the root disk from the VM's image and boots it (transient VMs). */
  resetVm(vmId: string): Promise<VmInfo>;
  /** Stops the VM if needed and removes it with its root disk; a missing VM is fine. */
  deleteVm(vmId: string): Promise<void>;
  attachVolume(vmId: string, volume: VolumeAttachmentSpec): Promise<void>;
  detachVolume(vmId: string, volumeId: string): Promise<void>;
  /** A crash-consistent snapshot of the root disk. */
  snapshotVm(vmId: string, snapshotId: string): Promise<SnapshotInfo>;
  /** Fills a new volume from its source (fetches the URL, copies the image or the snapshot); done again, it changes nothing. */
  prepareVolume(volume: VolumeAttachmentSpec, source: VolumeSourceSpec): Promise<void>;
  /** A snapshot of a volume kept on this node (local volumes). */
  snapshotVolume(volumeId: string, snapshotId: string): Promise<void>;
  listVms(): Promise<VmInfo[]>;
  usage(): Promise<ResourceUsage>;
  /** Calls the listener whenever a VM changes state; returns an unsubscribe function. */
  onVmStateChange(listener: (vm: VmInfo) => void): () => void;
  /** Releases the driver's resources (the VMs keep running on a real hypervisor). */
  close(): Promise<void>;
  /**
   * Runs the VM's health check once: true when it passes. Drivers that
   * cannot reach their guests leave it out, and their VMs count as healthy.
   */
  checkHealth?(vmId: string, check: VmHealthCheckSpec): Promise<boolean>;
  /**
   * Self-fencing lease: VMs may keep running until `expiresAt`; past it, the
   * hypervisor side stops every VM by itself unless the lease was renewed
   * (null disarms it). The agent renews it whenever it reaches the control
   * plane, so a node cut off from the platform — or whose agent died — stops
   * its VMs before the platform places them elsewhere. A real driver arms a
   * host watchdog (a systemd timer, a small fencing daemon) that outlives the
   * agent process.
   */
  setFenceLease?(expiresAt: Date | null): void;
}
