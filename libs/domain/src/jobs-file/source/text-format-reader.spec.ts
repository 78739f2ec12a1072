import { toPlain } from './source-node';
import { readTextFormat } from './text-format-reader';

const read = (text: string) => readTextFormat(text, 'x.jobs');

describe("reading the talk's text format", () => {
  it("turns repeated blocks into lists, and keeps each value's line and column", () => {
    const result = read(
      'jobs: <\n  name: "a"\n  envs: < key: "k" value: "v" >\n>\njobs: <\n  name: "b"\n  port: 80\n>\n',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));

    expect(toPlain(result.root)).toEqual({
      jobs: [
        { name: 'a', envs: [{ key: 'k', value: 'v' }] },
        { name: 'b', port: 80 },
      ],
    });
    const jobs = result.root.kind === 'map' ? result.root.entries[0].value : undefined;
    const second = jobs?.kind === 'list' ? jobs.items[1] : undefined;
    expect(second?.kind === 'map' && second.entries[1]).toMatchObject({
      key: 'port',
      keyLoc: { file: 'x.jobs', line: 7, column: 3 },
      value: { loc: { line: 7, column: 9 }, path: 'jobs[1].port', value: 80 },
    });
  });

  it('accepts what text format also allows: braces, no colon before a block, lists, comments, separators, escapes', () => {
    const result = read(`# the jobs
jobs {
  name: 'a'; hosts: ["h1", "h2"], replicas: 3
  command: "echo" command: "tab\\there" " and \\x41\\101"
  update { max_parallel: 2 order: start-first max_failure_ratio: 0.5 }
  health < type: "none" >
  flag: true
}`);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));

    expect(toPlain(result.root)).toEqual({
      jobs: [
        {
          name: 'a',
          hosts: ['h1', 'h2'],
          replicas: 3,
          command: ['echo', 'tab\there and AA'],
          update: { max_parallel: 2, order: 'start-first', max_failure_ratio: 0.5 },
          health: { type: 'none' },
          flag: true,
        },
      ],
    });
  });

  it.each([
    ['jobs: <\n  name: "a"\n', 3, 1, 'expected a field name or `>`, found the end of the file'],
    ['jobs: < name "a" >', 1, 14, 'expected `:` after the field name, found "a"'],
    ['jobs: < name: "a >', 1, 15, 'string is not closed on its line'],
    ['jobs: < name: "a" name: "b" >', 1, 25, 'field `name` is given more than once'],
    ['jobs: < port: 80 ) >', 1, 18, 'unexpected character ")"'],
    ['jobs: < name: "a\\q" >', 1, 15, 'unknown escape \\q in a string'],
  ])('reports %j at its place', (text, line, column, message) => {
    const result = read(text);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatchObject({ file: 'x.jobs', line, column, message });
  });
});
