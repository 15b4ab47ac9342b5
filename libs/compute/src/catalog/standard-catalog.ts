// What a new deployment's catalog holds. Pure data: no Nest, no Prisma.

export interface ZoneSpec {
  name: string;
  displayName: string;
  udpPortMin: number;
  udpPortMax: number;
}

export interface ImageSpec {
  name: string;
  displayName: string;
  osFamily: string;
  osVersion: string;
  arch: string;
  minDiskGib: number;
  sourceUrl: string;
}

export const STANDARD_ZONES: readonly ZoneSpec[] = [
  { name: 'eu-west', displayName: 'Europe West', udpPortMin: 20000, udpPortMax: 29999 },
  { name: 'us-east', displayName: 'US East', udpPortMin: 20000, udpPortMax: 29999 },
];

/** 64-bit x86 cloud images; node agents fetch them from their distributions. */
export const STANDARD_IMAGES: readonly ImageSpec[] = [
  {
    name: 'ubuntu-20.04',
    displayName: 'Ubuntu 20.04 LTS (Focal Fossa)',
    osFamily: 'ubuntu',
    osVersion: '20.04',
    arch: 'x86_64',
    minDiskGib: 10,
    sourceUrl: 'https://cloud-images.ubuntu.com/releases/focal/release/ubuntu-20.04-server-cloudimg-amd64.img',
  },
  {
    name: 'ubuntu-22.04',
    displayName: 'Ubuntu 22.04 LTS (Jammy Jellyfish)',
    osFamily: 'ubuntu',
    osVersion: '22.04',
    arch: 'x86_64',
    minDiskGib: 10,
    sourceUrl: 'https://cloud-images.ubuntu.com/releases/jammy/release/ubuntu-22.04-server-cloudimg-amd64.img',
  },
  {
    name: 'ubuntu-24.04',
    displayName: 'Ubuntu 24.04 LTS (Noble Numbat)',
    osFamily: 'ubuntu',
    osVersion: '24.04',
    arch: 'x86_64',
    minDiskGib: 10,
    sourceUrl: 'https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img',
  },
  {
    name: 'fedora-40',
    displayName: 'Fedora 40 Cloud',
    osFamily: 'fedora',
    osVersion: '40',
    arch: 'x86_64',
    minDiskGib: 10,
    sourceUrl: 'https://download.fedoraproject.org/pub/fedora/linux/releases/40/Cloud/x86_64/images/Fedora-Cloud-Base-Generic.x86_64-40-1.14.qcow2',
  },
  {
    name: 'fedora-41',
    displayName: 'Fedora 41 Cloud',
    osFamily: 'fedora',
    osVersion: '41',
    arch: 'x86_64',
    minDiskGib: 10,
    sourceUrl: 'https://download.fedoraproject.org/pub/fedora/linux/releases/41/Cloud/x86_64/images/Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2',
  },
  {
    name: 'centos-stream-9',
    displayName: 'CentOS Stream 9',
    osFamily: 'centos',
    osVersion: '9-stream',
    arch: 'x86_64',
    minDiskGib: 10,
    sourceUrl: 'https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2',
  },
];
