import { ApiProperty } from '@nestjs/swagger';
import { IsObject, IsString, Matches } from 'class-validator';
import { ChangeRequestDto } from './change-request.dto';
import { ENV_NAME } from './names';

/** POST /v1/envs/{env}/replicate: the env's jobs recorded again in a new env, on other hosts. */
export class ReplicateRequestDto extends ChangeRequestDto {
  @ApiProperty({ example: 'staging' })
  @IsString()
  @Matches(ENV_NAME, { message: 'targetEnv must be letters, digits, "-" and "_", at most 63 characters' })
  targetEnv!: string;

  @ApiProperty({
    description: 'source host → target host; every host the jobs use must be mapped, to a host the target (or source) env declares',
    example: { 'git-app-1': 'git-app-2' },
  })
  @IsObject()
  hosts!: Record<string, string>;
}
