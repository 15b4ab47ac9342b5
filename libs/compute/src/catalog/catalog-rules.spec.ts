import { imageProblems, instanceTypeProblems, zoneProblems } from './catalog-rules';

const fields = (problems: Array<{ field: string }>) => problems.map((problem) => problem.field);

describe('zone rules', () => {
  const zone = { name: 'eu-west', udpPortMin: 20000, udpPortMax: 29999 };

  it('accepts a DNS label with a port pool inside 1-65535', () => {
    expect(zoneProblems(zone)).toEqual([]);
    expect(zoneProblems({ ...zone, udpPortMin: 1, udpPortMax: 1 })).toEqual([]);
    expect(zoneProblems({ ...zone, name: '1a', udpPortMax: 65535 })).toEqual([]);
  });

  it('refuses names that are not one DNS label', () => {
    for (const name of ['EU-west', '-eu', 'eu-', 'eu.west', 'eu_west', '', 'a'.repeat(64)]) {
      expect(fields(zoneProblems({ ...zone, name }))).toEqual(['name']);
    }
  });

  it('refuses an empty or out-of-range pool', () => {
    expect(zoneProblems({ ...zone, udpPortMin: 30000, udpPortMax: 20000 })).toEqual([
      expect.objectContaining({ field: 'udpPortMin', code: 'invalid_range' }),
    ]);
    expect(fields(zoneProblems({ ...zone, udpPortMin: 0 }))).toEqual(['udpPortMin']);
    expect(fields(zoneProblems({ ...zone, udpPortMax: 65536 }))).toEqual(['udpPortMax']);
    expect(fields(zoneProblems({ ...zone, udpPortMin: 1.5 }))).toEqual(['udpPortMin']);
  });
});

describe('image rules', () => {
  const image = { name: 'ubuntu-24.04', arch: 'x86_64', minDiskGib: 10, sourceUrl: 'https://example.com/ubuntu.img' };

  it('accepts a named 64-bit image with a disk minimum and an http(s) source', () => {
    expect(imageProblems(image)).toEqual([]);
    expect(imageProblems({ ...image, sourceUrl: null, arch: 'arm64' })).toEqual([]);
  });

  it('names each problem', () => {
    expect(fields(imageProblems({ ...image, name: 'Ubuntu 24.04' }))).toEqual(['name']);
    expect(fields(imageProblems({ ...image, arch: 'i386' }))).toEqual(['arch']);
    expect(fields(imageProblems({ ...image, minDiskGib: 0 }))).toEqual(['minDiskGib']);
    expect(fields(imageProblems({ ...image, sourceUrl: 'ftp://example.com/x' }))).toEqual(['sourceUrl']);
    expect(fields(imageProblems({ ...image, sourceUrl: 'not a url' }))).toEqual(['sourceUrl']);
  });
});

describe('instance type rules', () => {
  const type: Parameters<typeof instanceTypeProblems>[0] = { name: 'x1.huge', vcpu: 64, memoryMib: 262144, gpuModel: null, gpuCount: 0 };

  it('accepts up to 64 vCPU and 256 GiB', () => {
    expect(instanceTypeProblems(type)).toEqual([]);
    expect(instanceTypeProblems({ ...type, vcpu: 1, memoryMib: 512, gpuModel: 'nvidia-l4', gpuCount: 1 })).toEqual([]);
  });

  it('refuses more than a VM may have', () => {
    expect(fields(instanceTypeProblems({ ...type, vcpu: 65 }))).toEqual(['vcpu']);
    expect(fields(instanceTypeProblems({ ...type, memoryMib: 262145 }))).toEqual(['memoryMib']);
    expect(fields(instanceTypeProblems({ ...type, vcpu: 0, memoryMib: 100 }))).toEqual(['vcpu', 'memoryMib']);
  });

  it('wants a GPU model exactly when it has GPUs, and a proper name', () => {
    expect(fields(instanceTypeProblems({ ...type, gpuCount: 2 }))).toEqual(['gpuModel']);
    expect(fields(instanceTypeProblems({ ...type, gpuModel: 'nvidia-l4' }))).toEqual(['gpuCount']);
    expect(fields(instanceTypeProblems({ ...type, name: 'huge' }))).toEqual(['name']);
  });
});
