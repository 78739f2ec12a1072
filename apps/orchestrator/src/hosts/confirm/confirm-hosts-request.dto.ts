import { ApiPropertyOptional } from '@nestjs/swagger';
import { NAME_PATTERN } from '@cj/domain';
import { LIMITS } from '@cj/api';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { ChangeRequestDto } from '../../http/dto/change-request.dto';

/** POST /v1/envs/{env}/hosts/confirm: the held hosts named (or all) are this cluster's. */
export class ConfirmHostsRequestDto extends ChangeRequestDto {
  @ApiPropertyOptional({ example: ['git-app-1'], description: 'the hosts to confirm; or all: true' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.hosts)
  @IsString({ each: true })
  @Matches(NAME_PATTERN, { each: true, message: 'each host must be a host name: letters, digits, "-" and "_"' })
  hosts?: string[];

  @ApiPropertyOptional({ description: 'every held host of the environment' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}
