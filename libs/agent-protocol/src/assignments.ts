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
  'restart-vm',
  'reset-vm',
  'delete-vm',
  'attach-volume',
  'detach-volume',
  'snapshot-vm',
  'prepare-volume',
  'snapshot-volume',
] as const;

export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

export interface VmPortSpec {
  protocol: 'https' | 'tcp' | 'udp';
  targetPort: number;
  /** The public name gateways route to this VM (SNI for https/tcp). */
  fqdn: string;
  /** The zone-wide public port of a udp port. */
  publicPort?: number;
}

export interface VmSpec {
  vmId: string;
  /** The VM's name, for the guest's hostname. */
  name?: string;
  vcpu: number;
  memoryMib: number;
  diskGib: number;
  image: string;
  /** Where the node fetches the image from, when the catalog names a source. */
  imageUrl?: string;
  /** `transient` root disks run from an overlay dropped at every stop. */
  mode?: 'persistent' | 'transient';
  gpus?: { model: string; count: number };
  /** The rendered cloud-init document (secrets resolved); delivered, never stored by the platform. */
  cloudInit?: string;
  sshKeys?: string[];
  ports?: VmPortSpec[];
  /** Volumes to attach once the VM is created (replicated and S3 volumes follow a VM to a new node). */
  volumes?: VolumeAttachmentSpec[];
  /** Boot from this VM snapshot's root disk (held on this node) instead of a fresh image. */
  fromSnapshotId?: string;
  /** Start the VM once created; false creates it stopped. */
  start?: boolean;
  /** The placement generation this copy belongs to; the agent records it with the VM (fencing). */
  generation?: number;
  /** A health check the agent runs while the VM is running. */
  healthCheck?: VmHealthCheckSpec;
}

export interface VmHealthCheckSpec {
  /** `tcp`: the port accepts a connection; `http`: GET path answers 2xx or 3xx. */
  type: 'tcp' | 'http';
  port: number;
  path?: string;
  intervalSeconds: number;
  /** Failed checks in a row that make the VM unhealthy. */
  unhealthyThreshold: number;
}

export interface VolumeAttachmentSpec {
  volumeId: string;
  provider: 'statemesh' | 's3' | 'local';
  sizeGib: number;
  /** Where the driver finds the volume (a block device, an export, a bucket URL); provider-specific. */
  source?: string;
  readOnly?: boolean;
}

/** Where a volume's first contents come from (prepare-volume). */
export interface VolumeSourceSpec {
  kind: 'image' | 'url' | 'snapshot';
  /** image: the catalog image name. */
  image?: string;
  /** url: an http(s) URL the platform checked against its SSRF policy. */
  url?: string;
  /** snapshot: a snapshot held on this node. */
  snapshotId?: string;
}

export interface Assignment {
  id: string;
  action: AssignmentAction;
  /** The VM the work is for; empty for volume work (prepare-volume, snapshot-volume). */
  vmId: string;
  /**
   * The VM's placement generation when the assignment was made. An agent
   * that has seen a newer generation for the VM refuses older assignments:
   * a VM placed elsewhere must never run twice.
   */
  generation?: number;
  /** create-vm */
  vm?: VmSpec;
  /** attach-volume, detach-volume */
  volume?: VolumeAttachmentSpec;
  /** snapshot-vm, snapshot-volume */
  snapshotId?: string;
  /** prepare-volume */
  source?: VolumeSourceSpec;
}
