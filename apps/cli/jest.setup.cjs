// Each test runs the real `cj` as a child process: on a busy 2-core machine one start takes seconds.
// (Set here, not as the config's testTimeout, which Jest ignores for a project run from the root.)
jest.setTimeout(30_000);
