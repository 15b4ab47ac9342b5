import { ApiProperty } from '@nestjs/swagger';

export class SniRouteDto {
  @ApiProperty({ example: 'vm-web-0mfq3k2x9abcdefgh.eu-west.statemesh.net', description: 'The TLS server name (SNI) gateways match on the zone’s shared port.' })
  sni: string;

  @ApiProperty({ enum: ['https', 'tcp'] })
  protocol: string;

  @ApiProperty({ description: 'Where to forward: the node’s address.' })
  nodeAddress: string;

  @ApiProperty({ description: 'The VM port to forward to.' })
  targetPort: number;

  @ApiProperty()
  vmId: string;

  @ApiProperty()
  nodeId: string;
}

export class UdpRouteDto {
  @ApiProperty({ description: 'The zone-wide public UDP port.' })
  publicPort: number;

  @ApiProperty()
  nodeAddress: string;

  @ApiProperty()
  targetPort: number;

  @ApiProperty()
  vmId: string;

  @ApiProperty()
  nodeId: string;
}

export class ZoneRoutesDto {
  @ApiProperty({ example: 'eu-west' })
  zone: string;

  @ApiProperty({ example: 'eu-west.statemesh.net' })
  dnsSuffix: string;

  @ApiProperty({ description: 'When the table was read.' })
  generatedAt: string;

  @ApiProperty({ type: SniRouteDto, isArray: true, description: 'https and tcp entrypoints of running VMs, by SNI name.' })
  sni: SniRouteDto[];

  @ApiProperty({ type: UdpRouteDto, isArray: true, description: 'udp entrypoints of running VMs, by public port.' })
  udp: UdpRouteDto[];
}
