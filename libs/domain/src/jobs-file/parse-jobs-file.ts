import { buildEnvironment } from './build-environment';
import { checkAllowLists, type HostPolicy } from './checks/allow-lists';
import { checkHostReferences } from './checks/host-references';
import { jobViews } from './checks/job-view';
import { checkPlacement } from './checks/placement-checks';
import { checkPortConflicts } from './checks/port-conflicts';
import { checkUniqueNames } from './checks/unique-names';
import { validateDto } from './dto/validate-dto';
import { issueAt, type JobsFileIssue, sortIssues } from './issues';
import type { Environment } from './model';
import { LIMITS } from '@cj/api';
import { checkText } from './source/check-text';
import { detectFormat } from './source/detect-format';
import { normalizeJobsFile } from './source/normalize';
import { entryOf, type MapNode, type SourceNode } from './source/source-node';
import { readTextFormat } from './source/text-format-reader';
import { readYaml, type ReadResult } from './source/yaml-reader';
import { type JobsFileSourceMap, sourceMapOf } from './source-map';

/** A file's name (as it is reported in errors) and its text. */
export interface JobsFileSource {
  readonly file: string;
  readonly text: string;
}

export interface ParseOptions {
  /** The name errors are reported under; its extension picks the format (see `detectFormat`). */
  readonly file: string;
  /**
   * A companion YAML file with `environment`, `registry`, `hosts` and `defaults`: the talk's text
   * format has no hosts section. A section the jobs file also sets is taken from the jobs file.
   */
  readonly base?: JobsFileSource;
  /** The host paths and registries the orchestrator allows; absent, neither is checked (a file read alone). */
  readonly policy?: HostPolicy;
}

/**
 * The whole file is valid and this is its model (with where each job was written), or nothing is,
 * and these are all the reasons.
 */
export type ParseResult =
  | { readonly ok: true; readonly environment: Environment; readonly sources: JobsFileSourceMap }
  | { readonly ok: false; readonly errors: readonly JobsFileIssue[] };

/** Parses and validates a jobs file (YAML or the talk's text format), reporting every error at once. */
export function parseJobsFile(text: string, options: ParseOptions): ParseResult {
  const textErrors = [
    ...checkText(text, options.file),
    ...(options.base ? checkText(options.base.text, options.base.file) : []),
  ];
  if (textErrors.length > 0) return fail(textErrors);
  const main = (detectFormat(options.file, text) === 'yaml' ? readYaml : readTextFormat)(text, options.file);
  const base = options.base ? readBase(options.base) : undefined;
  const readErrors = [...(main.ok ? [] : main.errors), ...(base && !base.ok ? base.errors : [])];
  if (!main.ok || (base && !base.ok)) return { ok: false, errors: sortIssues(readErrors) };

  const mainRoot = main.root;
  if (mainRoot.kind !== 'map') {
    return fail([
      issueAt(
        mainRoot.loc,
        '',
        'a jobs file must be a mapping with a jobs section',
        'start the file with jobs: followed by the jobs',
      ),
    ]);
  }
  const root = normalizeJobsFile(base ? withBase(mainRoot, base.root as MapNode) : mainRoot);
  const tooMany = checkListSizes(root);
  if (tooMany.length > 0) return fail(tooMany);
  const { dto, issues } = validateDto(root);
  const jobs = jobViews(root, dto);
  const all = [
    ...issues,
    ...checkUniqueNames(jobs),
    ...checkPlacement(jobs),
    ...checkHostReferences(root, dto, jobs),
    ...checkPortConflicts(jobs),
    ...checkTaskCount(root, jobs),
    ...(options.policy ? checkAllowLists(root, dto, jobs, options.policy) : []),
  ];
  return all.length > 0 ? fail(all) : { ok: true, environment: buildEnvironment(dto), sources: sourceMapOf(jobs) };
}

/** Counted before validation, so an oversized file costs a count, not a validation of every entry. */
function checkListSizes(root: SourceNode): JobsFileIssue[] {
  return (
    [
      ['jobs', LIMITS.jobs],
      ['hosts', LIMITS.hosts],
    ] as const
  ).flatMap(([section, max]) => {
    const entry = entryOf(root, section);
    const count =
      entry?.value.kind === 'list'
        ? entry.value.items.length
        : entry?.value.kind === 'map'
          ? entry.value.entries.length
          : 0;
    return count > max
      ? [
          issueAt(
            entry!.keyLoc,
            section,
            `${count} ${section}, more than ${max} (the ${section} limit)`,
            `split the environment: at most ${max} ${section} per file`,
          ),
        ]
      : [];
  });
}

function checkTaskCount(root: SourceNode, jobs: ReturnType<typeof jobViews>): JobsFileIssue[] {
  const tasks = jobs.reduce((sum, job) => sum + job.tasks.length, 0);
  if (tasks <= LIMITS.tasksPerEnvironment) return [];
  const entry = entryOf(root, 'jobs');
  return [
    issueAt(
      entry?.keyLoc ?? root.loc,
      'jobs',
      `the jobs run ${tasks} tasks, more than ${LIMITS.tasksPerEnvironment} (the tasks per environment limit)`,
      'lower replicas, or split the environment',
    ),
  ];
}

function fail(errors: readonly JobsFileIssue[]): ParseResult {
  return { ok: false, errors: sortIssues(errors) };
}

const BASE_SECTIONS = ['environment', 'registry', 'hosts', 'defaults'];

function readBase(base: JobsFileSource): ReadResult {
  const read = readYaml(base.text, base.file);
  if (!read.ok) return read;
  const root: SourceNode = read.root;
  if (root.kind !== 'map') {
    return {
      ok: false,
      errors: [
        issueAt(root.loc, '', 'a hosts file must be a mapping', `write its sections: ${BASE_SECTIONS.join(', ')}`),
      ],
    };
  }
  const errors = root.entries
    .filter((entry) => !BASE_SECTIONS.includes(entry.key))
    .map((entry) =>
      issueAt(
        entry.keyLoc,
        entry.key,
        `a hosts file does not take "${entry.key}"`,
        entry.key === 'jobs' ? 'jobs belong in the jobs file' : `its sections are: ${BASE_SECTIONS.join(', ')}`,
      ),
    );
  return errors.length > 0 ? { ok: false, errors } : read;
}

function withBase(main: MapNode, base: MapNode): MapNode {
  const own = new Set(main.entries.map((entry) => entry.key));
  return { ...main, entries: [...base.entries.filter((entry) => !own.has(entry.key)), ...main.entries] };
}
