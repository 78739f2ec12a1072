// All suites in one run (CI): each project keeps its own config.
module.exports = {
  projects: [
    '<rootDir>/libs/api',
    '<rootDir>/libs/domain',
    '<rootDir>/libs/event-store',
    '<rootDir>/libs/docker-adapter',
    '<rootDir>/libs/registry-client',
    '<rootDir>/apps/orchestrator',
    '<rootDir>/apps/cli',
    '<rootDir>/tools',
  ],
};
