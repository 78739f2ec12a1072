import { FAILURE_ACTIONS, ROLLOUT_ORDERS } from '@cj/api';
import { HEALTH_TYPES } from './dto/health.dto';
import { RECONCILE_POLICIES, RESTART_POLICIES } from './dto/job.dto';
import { SSH_HOST_KEY_TYPES } from './values/ssh-host-key';

const NAME = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
const DURATION = {
  type: 'string',
  pattern: '^(0|(\\d+(\\.\\d+)?(ms|s|m|h))+)$',
  description: 'e.g. "500ms", "2s", "1m30s"',
};
const STRINGS = { type: 'array', items: { type: 'string' }, minItems: 1 };

/**
 * JSON Schema (draft-07) of the YAML jobs file, for editors' completion and checks. The DTOs
 * remain the authority (they also check cross-field rules); a test keeps the two key sets equal.
 */
export const jobsFileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'cj jobs file',
  type: 'object',
  additionalProperties: false,
  required: ['jobs'],
  properties: {
    environment: {
      type: 'string',
      pattern: NAME,
      default: 'default',
      description: 'Environment name: the prefix of its event streams.',
    },
    registry: { type: 'string', description: 'Registry host[:port] for image references that name none.' },
    hosts: {
      description: 'Host name → Docker endpoint, or → {endpoint, address, tls, ssh_host_key}.',
      type: 'object',
      propertyNames: { pattern: NAME },
      additionalProperties: { oneOf: [{ $ref: '#/definitions/endpoint' }, { $ref: '#/definitions/host' }] },
    },
    defaults: { $ref: '#/definitions/defaults' },
    jobs: {
      description: 'The jobs: a list, or a map of name → job.',
      oneOf: [
        { type: 'array', items: { $ref: '#/definitions/job', required: ['name', 'image', 'port'] } },
        {
          type: 'object',
          propertyNames: { pattern: NAME },
          additionalProperties: { $ref: '#/definitions/job', required: ['image', 'port'] },
        },
      ],
    },
  },
  definitions: {
    endpoint: {
      type: 'string',
      pattern: '^(unix|tcp|ssh)://',
      description: 'unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host',
    },
    host: {
      type: 'object',
      additionalProperties: false,
      required: ['endpoint'],
      properties: {
        endpoint: { $ref: '#/definitions/endpoint' },
        address: {
          type: 'string',
          description: "Where the host's tasks answer; 127.0.0.1 for unix://, else the endpoint's host.",
        },
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['ca', 'cert', 'key'],
          properties: { ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' } },
        },
        ssh_host_key: {
          type: 'string',
          pattern: `^(\\S+\\s+)?(${SSH_HOST_KEY_TYPES.join('|')})\\s+[A-Za-z0-9+/]+={0,2}(\\s.*)?$`,
          description:
            'ssh:// endpoints: the host\'s public key ("ssh-ed25519 AAAA…"), the only one accepted; without it, the known_hosts file decides.',
        },
      },
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      description: "Applied to every job; a job's own value wins.",
      properties: {
        health: { $ref: '#/definitions/health' },
        update: { $ref: '#/definitions/update' },
        resources: { $ref: '#/definitions/resources' },
        restart: { $ref: '#/definitions/restart' },
        reconcile: { $ref: '#/definitions/reconcile' },
        envs: { $ref: '#/definitions/envs' },
      },
    },
    job: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: NAME },
        image: {
          type: 'string',
          description: '"repo:tag", "registry:5000/repo:tag" or "repo@sha256:…"; no tag means latest.',
        },
        run_on_host: { type: 'string', pattern: NAME, description: 'One task on this host.' },
        hosts: { ...STRINGS, description: 'One task per host, or replicas spread round-robin over them.' },
        replicas: { type: 'integer', minimum: 1 },
        port: {
          oneOf: [
            { type: 'integer', minimum: 1, maximum: 65535 },
            { type: 'string', pattern: '^\\d+$' },
          ],
          description: 'Port on the host (host networking); the n-th task on one host listens on port + n.',
        },
        envs: { $ref: '#/definitions/envs' },
        mounts: {
          type: 'array',
          items: {
            oneOf: [
              { type: 'string', pattern: '^[^:]+:/[^:]*(:(ro|rw))?$', description: 'source:target[:ro]' },
              {
                type: 'object',
                additionalProperties: false,
                required: ['source', 'target'],
                properties: {
                  source: { type: 'string' },
                  target: { type: 'string', pattern: '^/' },
                  read_only: { type: 'boolean', default: false },
                },
              },
            ],
          },
        },
        command: { ...STRINGS, description: 'Exec form: one argument per item.' },
        health: { $ref: '#/definitions/health' },
        update: { $ref: '#/definitions/update' },
        resources: { $ref: '#/definitions/resources' },
        restart: { $ref: '#/definitions/restart' },
        reconcile: { $ref: '#/definitions/reconcile' },
      },
    },
    envs: {
      oneOf: [
        {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'value'],
            properties: { key: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, value: { type: 'string' } },
          },
        },
        {
          type: 'object',
          propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
          additionalProperties: { type: ['string', 'number', 'boolean'] },
        },
      ],
    },
    health: {
      oneOf: [
        { const: 'none' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: { enum: [...HEALTH_TYPES] },
            path: { type: 'string', pattern: '^/', description: 'http only.' },
            status: { type: 'integer', minimum: 100, maximum: 599, default: 200, description: 'http only.' },
            command: { ...STRINGS, description: 'exec only.' },
            interval: { ...DURATION, default: '1s' },
            timeout: { ...DURATION, default: '1s' },
            retries: { type: 'integer', minimum: 0, default: 3 },
          },
        },
      ],
    },
    update: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_parallel: { type: 'integer', minimum: 1, default: 1 },
        order: { enum: [...ROLLOUT_ORDERS], default: 'stop-first' },
        min_healthy_time: { ...DURATION, default: '1s' },
        healthy_deadline: { ...DURATION, default: '30s' },
        progress_deadline: { ...DURATION, default: '2m' },
        max_failure_ratio: { type: 'number', minimum: 0, maximum: 1, default: 0 },
        delay_between_batches: { ...DURATION, default: '0' },
        failure_action: { enum: [...FAILURE_ACTIONS], default: 'rollback' },
        keep_replaced: { type: 'integer', minimum: 0, default: 2 },
        monitor: {
          ...DURATION,
          default: '0',
          description: 'how long every updated task is watched after the last batch passes, before success: "5s"',
        },
      },
    },
    resources: {
      type: 'object',
      additionalProperties: false,
      properties: {
        memory: {
          oneOf: [
            { type: 'string', pattern: '^\\d+(\\.\\d+)?[bkmgBKMG]?$' },
            { type: 'integer', minimum: 1 },
          ],
          description: '"256m", "1g" or bytes.',
        },
        cpus: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    restart: { enum: [...RESTART_POLICIES], default: 'unless-stopped' },
    reconcile: {
      enum: [...RECONCILE_POLICIES],
      default: 'restart',
      description:
        'A task meant to run whose container exited or was removed: restart it (with backoff), or only report it.',
    },
  },
} as const;
