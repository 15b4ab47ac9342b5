/** What creating a VM needs from the catalog, resolved and checked. */
export interface ResolvedVmSpec {
  zone: { name: string; udpPortMin: number; udpPortMax: number };
  image: { name: string; arch: string; minDiskGib: number; sourceUrl: string | null };
  instanceType: { name: string; vcpu: number; memoryMib: number; gpuModel: string | null; gpuCount: number };
}

/**
 * The catalog as the VM service sees it. Resolving throws a 422 naming the
 * field (unknown or retired zone, image or instance type; a root disk
 * smaller than the image).
 */
export abstract class VmCatalog {
  abstract resolveForVm(request: { zone: string; image: string; instanceType: string; rootDiskGib?: number }): Promise<ResolvedVmSpec>;
}
