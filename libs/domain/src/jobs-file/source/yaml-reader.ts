import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { LIMITS } from '@cj/api';
import { issueAt, type JobsFileIssue } from '../issues';
import type { SourceLocation } from '../model';
import { childPath, type Scalar, type SourceNode } from './source-node';
import { yamlProblems } from './yaml-errors';

export type ReadResult =
  { readonly ok: true; readonly root: SourceNode } | { readonly ok: false; readonly errors: JobsFileIssue[] };

/** Reads YAML into a located tree; a syntax error stops here, as nothing after it can be trusted (see `yamlProblems`). */
export function readYaml(text: string, file: string): ReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const at = (offset: number | undefined): SourceLocation => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: yamlProblems(doc).map((problem) => issueAt(at(problem.offset), '', problem.message, problem.hint)),
    };
  }
  if (doc.contents === null) return { ok: true, root: { kind: 'map', entries: [], loc: at(0), path: '' } };
  const aliasBomb = expandsPastAliasLimit(doc);
  if (aliasBomb) {
    return {
      ok: false,
      errors: [
        issueAt(
          at(firstAliasOffset(text)),
          '',
          aliasBomb,
          `use at most ${LIMITS.yamlAliases} alias expansions (the YAML alias limit), or write the values out`,
        ),
      ],
    };
  }
  try {
    return { ok: true, root: toSourceNode(doc, doc.contents, '', at, 0) };
  } catch (error) {
    if (!(error instanceof TooDeepError)) throw error;
    return {
      ok: false,
      errors: [
        issueAt(
          error.loc,
          error.path,
          `nests deeper than ${LIMITS.nestingDepth} levels (the nesting limit)`,
          'flatten the file: a jobs file needs a few levels',
        ),
      ],
    };
  }
}

/**
 * The yaml library's own guard against alias bombs (`maxAliasCount`), run before the tree is
 * built: an alias is expanded below only once the library has counted what it would expand to.
 */
function expandsPastAliasLimit(doc: Document): string | undefined {
  try {
    doc.toJS({ maxAliasCount: LIMITS.yamlAliases });
    return undefined;
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      return `the file's aliases expand past the limit of ${LIMITS.yamlAliases}: ${error.message}`;
    throw error;
  }
}

function firstAliasOffset(text: string): number {
  const match = /(^|[\s,[{:-])\*[^\s,\]}]+/m.exec(text);
  return match ? match.index + match[1].length : 0;
}

class TooDeepError extends Error {
  constructor(
    readonly loc: SourceLocation,
    readonly path: string,
  ) {
    super('too deep');
  }
}

function toSourceNode(
  doc: Document,
  node: Node,
  path: string,
  at: (offset?: number) => SourceLocation,
  depth: number,
): SourceNode {
  const loc = at(node.range?.[0]);
  if (depth > LIMITS.nestingDepth) throw new TooDeepError(loc, path);
  if (isAlias(node)) return toSourceNode(doc, node.resolve(doc) as Node, path, at, depth + 1);
  if (isMap(node)) {
    return {
      kind: 'map',
      loc,
      path,
      entries: node.items.map((pair) => {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyLoc = at((pair.key as Node | null)?.range?.[0]);
        const value = pair.value as Node | null;
        return {
          key,
          keyLoc,
          value: value
            ? toSourceNode(doc, value, childPath(path, key), at, depth + 1)
            : { kind: 'scalar', value: null, loc: keyLoc, path: childPath(path, key) },
        };
      }),
    };
  }
  if (isSeq(node)) {
    return {
      kind: 'list',
      loc,
      path,
      items: node.items.map((item, index) =>
        item
          ? toSourceNode(doc, item as Node, childPath(path, index), at, depth + 1)
          : { kind: 'scalar', value: null, loc, path: childPath(path, index) },
      ),
    };
  }
  const value = isScalar(node) ? node.value : null;
  return { kind: 'scalar', loc, path, value: isPlainScalar(value) ? value : String(value) };
}

function isPlainScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
