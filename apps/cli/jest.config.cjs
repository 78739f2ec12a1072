module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cli',
  rootDir: __dirname,
  globalSetup: '<rootDir>/jest.global-setup.cjs',
  // Each test runs the real `cj` as a child process: on a busy 2-core machine one start takes seconds.
  testTimeout: 30_000,
};
