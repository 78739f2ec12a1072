import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIMITS, type ChangeRequest } from '@cj/api';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/** Who asks for a change, why, and the id that makes a retried request harmless. */
export class ChangeRequestDto implements ChangeRequest {
  @ApiProperty({ example: 'alice@laptop', description: 'user@hostname, recorded on every event' })
  @IsString()
  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'actor must look like user@hostname' })
  @MaxLength(LIMITS.actorLength)
  actor!: string;

  @ApiPropertyOptional({ example: 'ship the new listener' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.reasonLength)
  reason?: string;

  @ApiProperty({ format: 'uuid', description: 'client-chosen; a retry with the same id changes nothing twice' })
  @IsUUID()
  commandId!: string;
}
