/**
 * Work the control plane hands a node agent (`GET /agent/v1/assignments`).
 * The compute capability owns the assignment records and their final shape;
 * this is the contract the reference agent and its hypervisor drivers are
 * built against, so both sides import it from here.
 */
export const ASSIGNMENT_ACTIONS = [
  'create-vm',
  'start-vm',
  'stop-vm',
  'reset-vm',
  'delete-vm',
  'attach-volume',
  'detach-volume',
  'snapshot-vm',
] as const;

export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

export interface VmSpec {
  vmId: string;
  vcpu: number;
  memoryMib: number;
  diskGib: number;
  image: string;
  gpus?: { model: string; count: number };
  cloudInit?: string;
}

export interface VolumeAttachmentSpec {
  volumeId: string;
  provider: 'statemesh' | 's3' | 'local';
  sizeGib: number;
  /** Where the driver finds the volume (a block device, an export, a bucket URL); provider-specific. */
  source?: string;
  readOnly?: boolean;
}

export interface Assignment {
  id: string;
  action: AssignmentAction;
  vmId: string;
  /** create-vm */
  vm?: VmSpec;
  /** attach-volume, detach-volume */
  volume?: VolumeAttachmentSpec;
  /** snapshot-vm */
  snapshotId?: string;
}
