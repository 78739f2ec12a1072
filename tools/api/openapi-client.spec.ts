import { apiPathsText, committedApiPathsText, committedOpenApiDocument } from './openapi-client';

describe("the CLI's generated API types", () => {
  it('are what the committed OpenAPI document generates now (npm run api:generate writes both)', async () => {
    expect(committedApiPathsText()).toBe(await apiPathsText(committedOpenApiDocument()));
  });
});
