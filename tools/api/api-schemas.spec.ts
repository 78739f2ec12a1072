import { apiSchemasText, committedApiSchemasText, generateApiSchemas } from './api-schemas';

describe('the committed API schemas', () => {
  it('are what the API types generate now (npm run api:generate writes them)', () => {
    expect(committedApiSchemasText()).toBe(apiSchemasText(generateApiSchemas()));
  });

  it('describe the responses and the problem', () => {
    const schemas = generateApiSchemas();
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['ApiProblem', 'StatusResponse', 'RolloutView']));
    expect(JSON.stringify(schemas)).not.toMatch(/#\/definitions\/|"const"/);
  });
});
