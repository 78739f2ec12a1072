/**
 * What travels on the wire: the shapes of the API's requests, answers and problems, and the
 * recorded facts and job specs they carry. The OpenAPI document's schemas are generated from these
 * (tools/api), so nothing but types and the constant lists they are built from belongs here.
 */
export * from './http-api';
export * from './problem';
export * from './job-spec';
export * from './recorded';
export * from './rollout-phase';
export * from './host-target';
