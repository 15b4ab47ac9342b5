/**
 * Catalog entries as the rest of the platform reads them (the VM service
 * resolves a request's zone, image and instance type into these).
 */
export interface CatalogZone {
  name: string;
  displayName: string;
  udpPortMin: number;
  udpPortMax: number;
  enabled: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CatalogImage {
  name: string;
  displayName: string;
  osFamily: string;
  osVersion: string;
  arch: string;
  minDiskGib: number;
  sourceUrl: string | null;
  enabled: boolean;
  /** The owning account of an image captured from a VM; null for public images. */
  accountId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CatalogInstanceType {
  name: string;
  series: string;
  size: string;
  vcpu: number;
  memoryMib: number;
  gpuModel: string | null;
  gpuCount: number;
  enabled: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The three kinds of catalog entries, as named in URLs and errors. */
export type CatalogKind = 'zone' | 'image' | 'instanceType';

/** What a VM is created from, each entry checked to exist and take new VMs. */
export interface ResolvedVmCatalog {
  zone: CatalogZone;
  image: CatalogImage;
  instanceType: CatalogInstanceType;
}
