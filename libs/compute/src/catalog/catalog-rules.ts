import type { FieldError } from '@statemesh/common';
import { isValidZoneName } from '../entrypoints/entrypoint-name';
import { MAX_VM_MEMORY_MIB, MAX_VM_VCPU, parseInstanceTypeName } from './instance-types';

// What makes a catalog entry valid beyond its field types (those are the
// DTOs' business, and answer 400); these answer 422. Pure: no Nest, no Prisma.

export const IMAGE_ARCHES = ['x86_64', 'arm64'] as const;
export const MIN_VM_MEMORY_MIB = 512;
export const MAX_IMAGE_MIN_DISK_GIB = 16_384;
export const MAX_GPUS_PER_VM = 16;

const IMAGE_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

function problem(field: string, code: string, message: string): FieldError {
  return { field, code, message };
}

function integerIn(field: string, value: number, min: number, max: number, unit = ''): FieldError[] {
  if (Number.isInteger(value) && value >= min && value <= max) return [];
  return [problem(field, 'out_of_range', `${field} must be an integer from ${min} to ${max}${unit}.`)];
}

export function zoneProblems(zone: { name: string; udpPortMin: number; udpPortMax: number }): FieldError[] {
  const problems: FieldError[] = [];
  if (!isValidZoneName(zone.name)) {
    problems.push(problem('name', 'invalid_name', 'name must be a DNS label: lowercase letters, digits and inner hyphens, at most 63.'));
  }
  problems.push(...integerIn('udpPortMin', zone.udpPortMin, 1, 65535), ...integerIn('udpPortMax', zone.udpPortMax, 1, 65535));
  if (problems.every((p) => p.field === 'name') && zone.udpPortMin > zone.udpPortMax) {
    problems.push(problem('udpPortMin', 'invalid_range', `udpPortMin (${zone.udpPortMin}) must not be above udpPortMax (${zone.udpPortMax}).`));
  }
  return problems;
}

export function imageProblems(image: { name: string; arch: string; minDiskGib: number; sourceUrl: string | null }): FieldError[] {
  const problems: FieldError[] = [];
  if (!IMAGE_NAME.test(image.name)) {
    problems.push(problem('name', 'invalid_name', 'name must be lowercase letters, digits, dots and inner hyphens, at most 63 (ubuntu-24.04).'));
  }
  if (!(IMAGE_ARCHES as readonly string[]).includes(image.arch)) {
    problems.push(problem('arch', 'unsupported_arch', `arch must be one of ${IMAGE_ARCHES.join(', ')}.`));
  }
  problems.push(...integerIn('minDiskGib', image.minDiskGib, 1, MAX_IMAGE_MIN_DISK_GIB, ' GiB'));
  if (image.sourceUrl !== null && !isHttpUrl(image.sourceUrl)) {
    problems.push(problem('sourceUrl', 'invalid_url', 'sourceUrl must be an http or https URL.'));
  }
  return problems;
}

export function instanceTypeProblems(type: { name: string; vcpu: number; memoryMib: number; gpuModel: string | null; gpuCount: number }): FieldError[] {
  const problems: FieldError[] = [];
  if (!parseInstanceTypeName(type.name)) {
    problems.push(problem('name', 'invalid_name', 'name must be <series><generation>.<size> in lowercase letters and digits (s1.small).'));
  }
  problems.push(
    ...integerIn('vcpu', type.vcpu, 1, MAX_VM_VCPU),
    ...integerIn('memoryMib', type.memoryMib, MIN_VM_MEMORY_MIB, MAX_VM_MEMORY_MIB, ' MiB'),
    ...integerIn('gpuCount', type.gpuCount, 0, MAX_GPUS_PER_VM),
  );
  if (type.gpuCount > 0 && !type.gpuModel) problems.push(problem('gpuModel', 'required', 'gpuModel is required when gpuCount is above 0.'));
  if (type.gpuCount === 0 && type.gpuModel) problems.push(problem('gpuCount', 'required', 'gpuCount must be at least 1 when gpuModel is set.'));
  return problems;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && value.length <= 2048;
  } catch {
    return false;
  }
}
