import { detectFormat } from './detect-format';

describe('detectFormat', () => {
  it.each([
    ['jobs.yaml', 'jobs: <', 'yaml'],
    ['jobs.YML', 'anything', 'yaml'],
    ['talk.jobs', 'jobs:\n  - name: a', 'text'],
    ['prod.textproto', '', 'text'],
    ['jobs', '# the talk\njobs: <\n  name: "a"\n>', 'text'],
    ['jobs', 'jobs {\n  name: "a"\n}', 'text'],
    ['jobs', 'jobs: { web: { image: a } }', 'yaml'],
    ['jobs', 'environment: prod\njobs: []', 'yaml'],
  ])('reads %s holding %j as %s', (file, text, format) => {
    expect(detectFormat(file, text)).toBe(format);
  });
});
