import { IsOptional } from 'class-validator';
import { LIMITS } from '@cj/api';
import { DefaultsDto, JobDto } from './job.dto';
import { Nested } from './nested';
import { DockerEndpoint, Name, RegistryHost, SshHostKeyLine, Text } from './rules';

export class TlsDto {
  @Text('write the path of the CA certificate')
  ca!: string;

  @Text('write the path of the client certificate')
  cert!: string;

  @Text('write the path of the client key')
  key!: string;
}

export class HostDto {
  @Name('host')
  name!: string;

  @DockerEndpoint()
  endpoint!: string;

  @IsOptional()
  @Text("write the address at which this host's tasks answer, e.g. 10.0.0.5")
  address?: string;

  @IsOptional()
  @Nested(() => TlsDto, { list: false, hint: 'write tls as {ca, cert, key} file paths' })
  tls?: TlsDto;

  @IsOptional()
  @SshHostKeyLine()
  ssh_host_key?: string;
}

export class JobsFileDto {
  @IsOptional()
  @Name('environment')
  environment?: string;

  @IsOptional()
  @RegistryHost()
  registry?: string;

  @IsOptional()
  @Nested(() => HostDto, {
    list: true,
    hint: 'write hosts as a map of name: endpoint, or name: {endpoint, address, tls, ssh_host_key}',
    max: [LIMITS.hosts, 'hosts'],
  })
  hosts?: HostDto[];

  @IsOptional()
  @Nested(() => DefaultsDto, {
    list: false,
    hint: 'write defaults as a mapping of health, update, resources, restart, reconcile, envs',
  })
  defaults?: DefaultsDto;

  @Nested(() => JobDto, {
    list: true,
    hint: 'write jobs as a list of jobs, or a map of name: job',
    max: [LIMITS.jobs, 'jobs'],
  })
  jobs!: JobDto[];
}
