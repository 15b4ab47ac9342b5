import { ComputeError } from '../compute.errors';

/** RFC 1123 label, lowercase only: letters, digits and inner hyphens. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const VM_ID = /^[a-z0-9]+$/;

/**
 * Long enough for real names, short enough that `vm-<name>-<id>` with an
 * 18-character id stays within one 63-character DNS label.
 */
export const VM_NAME_MAX_LENGTH = 40;
export const DNS_LABEL_MAX_LENGTH = 63;
export const DNS_NAME_MAX_LENGTH = 253;

/**
 * A VM name: a lowercase DNS label of 1 to 40 characters. A leading digit is
 * allowed (RFC 1123 allows it, and the name is never a label on its own: it
 * always follows `vm-`). Upper case is refused rather than folded, so that a
 * name reads the same in the API as in its DNS name.
 */
export function isValidVmName(name: string): boolean {
  return typeof name === 'string' && name.length <= VM_NAME_MAX_LENGTH && DNS_LABEL.test(name);
}

/** A zone name such as `eu-west`: a lowercase DNS label, since it is one label of every entrypoint name. */
export function isValidZoneName(name: string): boolean {
  return typeof name === 'string' && name.length <= DNS_LABEL_MAX_LENGTH && DNS_LABEL.test(name);
}

/** VM ids are lowercase `[a-z0-9]` (see `newId`): nothing in them needs escaping in DNS. */
export function isValidVmId(id: string): boolean {
  return typeof id === 'string' && VM_ID.test(id);
}

function isValidDomain(domain: string): boolean {
  return (
    domain.length <= DNS_NAME_MAX_LENGTH &&
    domain.split('.').every((label) => label.length <= DNS_LABEL_MAX_LENGTH && DNS_LABEL.test(label))
  );
}

/**
 * The public name of a VM's entrypoints: `vm-<name>-<id>.<zone>.<baseDomain>`.
 * The id makes the name unique even across accounts that chose the same VM
 * name; the id is the last hyphen-separated part of the first label, since
 * ids contain no hyphen. The base domain is lowercased (DNS ignores case);
 * everything else must already be valid. Throws a ComputeError otherwise.
 */
export function entrypointFqdn(vmName: string, vmId: string, zone: string, baseDomain: string): string {
  if (!isValidVmName(vmName)) {
    throw new ComputeError(
      'vm.invalid_name',
      `VM name "${vmName}" must be 1-${VM_NAME_MAX_LENGTH} lowercase letters, digits or hyphens, ` +
        'not starting or ending with a hyphen.',
    );
  }
  if (!isValidVmId(vmId)) {
    throw new ComputeError('vm.invalid_id', `VM id "${vmId}" must be lowercase letters and digits.`);
  }
  if (!isValidZoneName(zone)) {
    throw new ComputeError('zone.invalid_name', `Zone name "${zone}" must be a lowercase DNS label.`);
  }
  const domain = typeof baseDomain === 'string' ? baseDomain.toLowerCase() : '';
  if (!isValidDomain(domain)) {
    throw new ComputeError('entrypoint.invalid_base_domain', `Base domain "${baseDomain}" is not a DNS name.`);
  }
  const label = `vm-${vmName}-${vmId}`;
  if (label.length > DNS_LABEL_MAX_LENGTH) {
    throw new ComputeError(
      'entrypoint.name_too_long',
      `"${label}" is longer than the ${DNS_LABEL_MAX_LENGTH} characters a DNS label allows.`,
    );
  }
  const fqdn = `${label}.${zone}.${domain}`;
  if (fqdn.length > DNS_NAME_MAX_LENGTH) {
    throw new ComputeError(
      'entrypoint.name_too_long',
      `"${fqdn}" is longer than the ${DNS_NAME_MAX_LENGTH} characters a DNS name allows.`,
    );
  }
  return fqdn;
}
