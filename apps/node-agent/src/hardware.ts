import { availableParallelism, arch as cpuArch, totalmem } from 'node:os';
import { statfsSync } from 'node:fs';
import { existsSync } from 'node:fs';

export interface DetectedHardware {
  vcpu: number;
  memoryMib: number;
  diskGib: number;
  arch: 'x86_64' | 'arm64';
  virtualization: boolean;
}

/**
 * What this machine offers, as defaults for registration: logical CPUs,
 * total memory, the size of the file system holding `diskPath`, and whether
 * KVM is available. Operators may register less (keeping some for the host).
 */
export function detectHardware(diskPath = '/'): DetectedHardware {
  const disk = statfsSync(diskPath);
  return {
    vcpu: availableParallelism(),
    memoryMib: Math.floor(totalmem() / 1024 / 1024),
    diskGib: Math.floor((disk.blocks * disk.bsize) / 1024 ** 3),
    arch: cpuArch() === 'arm64' ? 'arm64' : 'x86_64',
    virtualization: existsSync('/dev/kvm'),
  };
}
