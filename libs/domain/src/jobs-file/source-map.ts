import type { JobView } from './checks/job-view';
import type { SourceLocation } from './model';
import { valueOf } from './source/source-node';

/** A value's place in the jobs file, and its name there (`jobs[0].image`). */
export interface SourcePosition extends SourceLocation {
  readonly path: string;
}

/** Where one job's values were written. */
export interface JobSource {
  readonly image: SourcePosition;
}

/**
 * Where a valid jobs file wrote each job, by job name. The model stays free of positions; this
 * lets a check made after parsing (an image tag against its registry) point at the file like a
 * validation error does.
 */
export interface JobsFileSourceMap {
  readonly jobs: ReadonlyMap<string, JobSource>;
}

export function sourceMapOf(jobs: readonly JobView[]): JobsFileSourceMap {
  return {
    jobs: new Map(jobs.map(({ dto, node }) => [dto.name, { image: positionOf(valueOf(node, 'image') ?? node) }])),
  };
}

function positionOf(node: { readonly loc: SourceLocation; readonly path: string }): SourcePosition {
  return { file: node.loc.file, line: node.loc.line, column: node.loc.column, path: node.path };
}
