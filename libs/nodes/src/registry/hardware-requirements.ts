import type { FieldError } from '@statemesh/common';

export interface HardwareMinimums {
  minVcpu: number;
  minMemoryMib: number;
  minDiskGib: number;
}

export interface DeclaredCapacity {
  vcpu: number;
  memoryMib: number;
  diskGib: number;
}

/** Every field of the declared capacity below the platform's minimum, as field errors. */
export function minimumHardwareProblems(capacity: DeclaredCapacity, minimums: HardwareMinimums): FieldError[] {
  const problems: FieldError[] = [];
  const check = (field: keyof DeclaredCapacity, minimum: number, unit: string) => {
    if (capacity[field] < minimum) {
      problems.push({
        field: `capacity.${field}`,
        code: 'below_minimum',
        message: `capacity.${field} must be at least ${minimum} ${unit} (got ${capacity[field]})`,
      });
    }
  };
  check('vcpu', minimums.minVcpu, 'vCPU');
  check('memoryMib', minimums.minMemoryMib, 'MiB');
  check('diskGib', minimums.minDiskGib, 'GiB');
  return problems;
}
