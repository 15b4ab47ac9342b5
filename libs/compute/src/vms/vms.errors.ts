import { defineErrors } from '@statemesh/common';

export const VmsErrors = defineErrors({
  'vm.name_taken': { status: 409, title: 'A VM with this name exists in the account' },
  'vm.invalid_transition': { status: 409, title: 'The VM’s status does not allow this action' },
  'vm.reset_requires_transient': { status: 422, title: 'Only transient VMs can be reset' },
  'vm.invalid_spec': { status: 422, title: 'The VM does not match the catalog' },
  'vm.wait_timeout': { status: 408, title: 'The VM did not reach the status in time' },
  'quota.exceeded': { status: 422, title: 'The account’s quota does not allow this' },
  'entrypoint.udp_pool_exhausted': { status: 409, title: 'The zone has no free public UDP port' },
  'entrypoint.name_too_long': { status: 422, title: 'The entrypoint name would not be a valid DNS name' },
  'assignment.not_found': { status: 404, title: 'No such assignment for this node' },
  'operation.not_found': { status: 404, title: 'Operation not found' },
});
