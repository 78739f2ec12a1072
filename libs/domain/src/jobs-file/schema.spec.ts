import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HealthDto } from './dto/health.dto';
import { DefaultsDto, EnvVarDto, JobDto, MountDto, ResourcesDto } from './dto/job.dto';
import { HostDto, JobsFileDto, TlsDto } from './dto/jobs-file.dto';
import { UpdateDto } from './dto/update.dto';
import { allowedKeys } from './dto/validate-dto';
import { jobsFileSchema } from './schema';

const keys = (o: { properties: object }) => Object.keys(o.properties).sort();
const defs = jobsFileSchema.definitions;

describe('the JSON Schema of the YAML form', () => {
  it('is the file editors load', () => {
    const onDisk = JSON.parse(readFileSync(join(__dirname, '../../jobs-file.schema.json'), 'utf8'));

    expect(onDisk).toEqual(JSON.parse(JSON.stringify(jobsFileSchema)));
  });

  it.each([
    ['the top level', JobsFileDto, jobsFileSchema],
    ['a host', HostDto, { properties: { name: 0, ...defs.host.properties } }],
    ['tls', TlsDto, defs.host.properties.tls],
    ['defaults', DefaultsDto, defs.defaults],
    ['a job', JobDto, defs.job],
    ['a mount', MountDto, defs.job.properties.mounts.items.oneOf[1]],
    ['an env', EnvVarDto, defs.envs.oneOf[0].items],
    ['health', HealthDto, defs.health.oneOf[1]],
    ['update', UpdateDto, defs.update],
    ['resources', ResourcesDto, defs.resources],
  ])('allows the same keys as the validator for %s', (_, dto, schema) => {
    expect(keys(schema)).toEqual(allowedKeys(dto).sort());
  });
});
