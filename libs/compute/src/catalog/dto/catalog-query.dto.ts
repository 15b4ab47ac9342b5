import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '@statemesh/http';

export class CatalogListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only entries that take new VMs (true) or only retired ones (false); both if omitted.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  enabled?: boolean;
}
