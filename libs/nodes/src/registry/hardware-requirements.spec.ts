import { minimumHardwareProblems } from './hardware-requirements';

const minimums = { minVcpu: 2, minMemoryMib: 4096, minDiskGib: 50 };

describe('minimumHardwareProblems', () => {
  it('accepts hardware at or above every minimum', () => {
    expect(minimumHardwareProblems({ vcpu: 2, memoryMib: 4096, diskGib: 50 }, minimums)).toEqual([]);
    expect(minimumHardwareProblems({ vcpu: 64, memoryMib: 262_144, diskGib: 4_000 }, minimums)).toEqual([]);
  });

  it('names every field that falls short', () => {
    expect(minimumHardwareProblems({ vcpu: 1, memoryMib: 2048, diskGib: 50 }, minimums)).toEqual([
      { field: 'capacity.vcpu', code: 'below_minimum', message: 'capacity.vcpu must be at least 2 vCPU (got 1)' },
      { field: 'capacity.memoryMib', code: 'below_minimum', message: 'capacity.memoryMib must be at least 4096 MiB (got 2048)' },
    ]);
    expect(minimumHardwareProblems({ vcpu: 4, memoryMib: 8192, diskGib: 49 }, minimums).map((p) => p.field)).toEqual(['capacity.diskGib']);
  });
});
