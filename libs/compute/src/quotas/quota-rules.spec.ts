import { quotaExcess, quotaProblems } from './quota-rules';

describe('quota rules', () => {
  const limits = { maxVms: 2, maxVcpu: 8, maxMemoryMib: 16384 };

  it('accepts limits from zero to the ceilings', () => {
    expect(quotaProblems(limits)).toEqual([]);
    expect(quotaProblems({ maxVms: 0, maxVcpu: 0, maxMemoryMib: 0 })).toEqual([]);
  });

  it('names each limit out of range', () => {
    expect(quotaProblems({ maxVms: -1, maxVcpu: 8, maxMemoryMib: 2 ** 31 }).map((problem) => problem.field)).toEqual(['maxVms', 'maxMemoryMib']);
  });

  it('lets a request in exactly up to each limit', () => {
    expect(quotaExcess(limits, { vms: 1, vcpu: 4, memoryMib: 8192 }, { vms: 1, vcpu: 4, memoryMib: 8192 })).toEqual([]);
  });

  it('names every limit a request would cross', () => {
    const excess = quotaExcess(limits, { vms: 2, vcpu: 4, memoryMib: 8192 }, { vms: 1, vcpu: 8, memoryMib: 1024 });
    expect(excess.map((problem) => problem.field)).toEqual(['maxVms', 'maxVcpu']);
    expect(excess[0]).toMatchObject({ code: 'quota_exceeded' });
  });
});
