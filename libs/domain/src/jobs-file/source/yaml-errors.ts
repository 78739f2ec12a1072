import { type Document, isScalar, type Node, visit, type YAMLError } from 'yaml';
import { LIMITS } from '@cj/api';

/** A YAML error as cj reports it: where (an offset in the text), what, and what to do. */
export interface YamlProblem {
  readonly offset: number;
  readonly message: string;
  readonly hint: string;
}

const NOT_CHECKED_YET = 'the rest of the file is checked once this parses';

/**
 * The errors of a YAML file worth showing. One syntax error makes the parser misread what
 * follows, and it reports each misreading too (a bad indent on one line can give a dozen errors
 * below it), so only the first syntax error in the file is shown: fixing it is the next step.
 * Duplicate keys leave the structure intact, so a file whose only errors are duplicates shows
 * them all, as validation would.
 */
export function yamlProblems(doc: Document): YamlProblem[] {
  const syntax = doc.errors.filter((error) => error.code !== 'DUPLICATE_KEY');
  if (syntax.length === 0) {
    return doc.errors.map((error) => ({
      offset: error.pos[0],
      message: firstLine(error.message),
      hint: 'write each key once in a mapping',
    }));
  }
  const first = syntax.reduce((earliest, error) => (error.pos[0] < earliest.pos[0] ? error : earliest));
  return [problemOf(doc, first)];
}

function problemOf(doc: Document, error: YAMLError): YamlProblem {
  if (/call stack/i.test(error.message)) {
    return {
      offset: error.pos[0],
      message: `nests deeper than ${LIMITS.nestingDepth} levels (the nesting limit)`,
      hint: 'flatten the file: a jobs file needs a few levels',
    };
  }
  const message = firstLine(error.message);
  const problem = (hint: string, offset = error.pos[0]) => ({ offset, message, hint: `${hint}; ${NOT_CHECKED_YET}` });
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return problem('indent with spaces: YAML does not allow tabs');
    case 'BAD_INDENT': {
      const flow = /^Flow (map|sequence)/.exec(message);
      if (!flow) return problem('indent every key of a mapping, and every field of a list item, to the same column');
      // The parser notices an unclosed { or [ on the next line; the fix is where it opened.
      const opened = unclosedBefore(
        doc,
        error.pos[0],
        (node) => 'flow' in node && node.flow === true && 'items' in node,
      );
      const brackets = flow[1] === 'map' ? '{ … }' : '[ … ]';
      return problem(
        `close the ${brackets} that opens here on the same line, or indent its next lines deeper than its key`,
        opened ?? error.pos[0],
      );
    }
    case 'MISSING_CHAR': {
      if (/quote/.test(message)) {
        // Reported at the end of the file, where the string would end; the fix is where it opened.
        const opened = unclosedBefore(
          doc,
          error.pos[0],
          (node) => isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'),
        );
        return problem('close the quoted string that opens here', opened ?? error.pos[0]);
      }
      if (/without - indicator/.test(message))
        return problem('indent every field of a list item to the column of its first field, the one after "- "');
      return problem('add the missing character, or check the indentation of this line against the one above');
    }
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      if (/^A block sequence/.test(message))
        return problem('start every "- " item of a list at the same column as the first one');
      return problem(
        'quote a value that contains ": " (image: "a: b"), and check the indentation of this line against the one above',
      );
    default:
      return problem('fix the YAML syntax at this place');
  }
}

/** Where the last node of a kind that runs up to `offset` (an unclosed one) starts. */
function unclosedBefore(doc: Document, offset: number, kind: (node: Node) => boolean): number | undefined {
  let start: number | undefined;
  visit(doc, (_, node) => {
    // A seq of a broken file can hold null items.
    const range = (node as Node | null)?.range;
    if (!range || !kind(node as Node) || range[0] >= offset || range[1] > offset) return;
    if (start === undefined || range[0] > start) start = range[0];
  });
  return start;
}

/** yaml's messages carry a code excerpt after the first line; the location is reported apart. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
