export { startFakeHosts, fakeHostsDir, type FakeHost, type FakeHosts, type FakeHostOptions } from './fake-hosts';
export {
  ensureDemoImages,
  demoImage,
  DEMO_REGISTRY,
  DEMO_AUTH_REGISTRY,
  DEMO_AUTH_CREDENTIALS,
  type DemoTag,
} from './demo-images';
export { makeTlsMaterial, type TlsMaterial } from './tls-certs';
export { runInfraScript, INFRA_DIR } from './infra-scripts';
export { freePort } from './free-port';
export { waitFor } from './wait-for';
export { taskSpec } from './task-spec';
export { startSshServer, type SshServer, type SshServerOptions } from './ssh-server';
