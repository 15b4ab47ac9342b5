import { defaultPriceList } from '@statemesh/wallets';
import { MAX_VM_MEMORY_MIB, MAX_VM_VCPU, parseInstanceTypeName, standardInstanceTypes } from './instance-types';

describe('standard instance types', () => {
  const types = standardInstanceTypes();
  const byName = new Map(types.map((type) => [type.name, type]));

  it('are every series × size, s1.small to m1.8xlarge, with unique names', () => {
    expect(types).toHaveLength(21);
    expect(byName.size).toBe(21);
    expect(types[0].name).toBe('s1.small');
    expect(types[types.length - 1].name).toBe('m1.8xlarge');
  });

  it('keep each series’ memory per vCPU and double by size', () => {
    expect(byName.get('s1.small')).toEqual({ name: 's1.small', series: 's', size: 'small', vcpu: 1, memoryMib: 2048 });
    expect(byName.get('u1.medium')).toMatchObject({ vcpu: 2, memoryMib: 8192 });
    expect(byName.get('m1.large')).toMatchObject({ vcpu: 4, memoryMib: 32768 });
    expect(byName.get('s1.8xlarge')).toMatchObject({ vcpu: 64, memoryMib: 131072 });
    expect(byName.get('u1.8xlarge')).toMatchObject({ vcpu: 64, memoryMib: 262144 });
    expect(byName.get('m1.4xlarge')).toMatchObject({ vcpu: 32, memoryMib: 262144 });
  });

  it('never exceed 64 vCPU and 256 GiB: m1.8xlarge is capped at 256 GiB', () => {
    for (const type of types) {
      expect(type.vcpu).toBeLessThanOrEqual(MAX_VM_VCPU);
      expect(type.memoryMib).toBeLessThanOrEqual(MAX_VM_MEMORY_MIB);
    }
    expect(byName.get('m1.8xlarge')).toMatchObject({ vcpu: 64, memoryMib: 262144 });
  });

  it('are exactly the types the default price list prices', () => {
    expect(defaultPriceList().instanceTypes.map((price) => price.name).sort()).toEqual(types.map((type) => type.name).sort());
  });

  it('parse back into series and size', () => {
    for (const type of types) expect(parseInstanceTypeName(type.name)).toEqual({ series: type.series, size: type.size });
    expect(parseInstanceTypeName('g2.xlarge')).toEqual({ series: 'g', size: 'xlarge' });
    for (const bad of ['s1', 'S1.small', 's1.', '.small', '1s.small', 's1.small.x', 's1_small']) expect(parseInstanceTypeName(bad)).toBeNull();
  });
});
