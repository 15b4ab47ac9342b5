import type { VmEvent } from '@statemesh/database';
import { healingFieldsOf } from '../healing/vm-healing-fields';
import { allowedActions } from '../lifecycle/vm-state-machine';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';
import type { PlacementExplanationDto, VmEventDto, VmResponseDto } from './dto/vm.dto';
import type { VmWithPorts } from './vm.repository';

const PROTOCOL_ORDER = { https: 0, tcp: 1, udp: 2 } as const;

export function toVmResponse(vm: VmWithPorts, volumeIds: string[] = []): VmResponseDto {
  const ports = [...vm.ports].sort((a, b) => PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] || a.targetPort - b.targetPort);
  const status = vm.status as VmStatus;
  return {
    id: vm.id,
    accountId: vm.accountId,
    name: vm.name,
    zone: vm.zone,
    instanceType: vm.instanceType,
    vcpu: vm.vcpu,
    memoryMib: vm.memoryMib,
    image: vm.image,
    mode: vm.mode,
    runStrategy: vm.runStrategy,
    placementStrategy: vm.placementStrategy,
    antiAffinityGroup: vm.antiAffinityGroup,
    status,
    statusReason: vm.statusReason,
    nodeId: vm.nodeId,
    rootDisk: { sizeGib: vm.rootDiskGib, persistence: 'node' },
    ports: ports.map((port) => ({ protocol: port.protocol, targetPort: port.targetPort })),
    entrypoints: ports.map((port) => ({ fqdn: port.fqdn, protocol: port.protocol, targetPort: port.targetPort, publicPort: port.publicPort })),
    volumes: volumeIds,
    sshKeys: vm.sshKeys,
    hasCloudInit: vm.cloudInit !== null,
    labels: vm.labels as Record<string, string>,
    placement: vm.placement ? { explanation: vm.placement as unknown as PlacementExplanationDto } : null,
    allowedActions: allowedActions(status, vm.mode, vm.reservedNodeId !== null),
    ...healingFieldsOf(vm),
    createdAt: vm.createdAt.toISOString(),
    updatedAt: vm.updatedAt.toISOString(),
  };
}

export function toVmEventResponse(event: VmEvent): VmEventDto {
  return {
    id: event.id.toString(),
    targetId: event.vmId,
    type: event.type,
    reason: event.reason,
    message: event.message,
    actor: event.actor,
    createdAt: event.createdAt.toISOString(),
  };
}
