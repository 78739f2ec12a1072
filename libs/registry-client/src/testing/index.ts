export { makeTestCertificates, type TestCertificates } from './certificates';
export { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './fault-proxy';
export { ImagePusher, digestOf, type IndexEntry, type PushedImage, type TestImage } from './image-pusher';
export { startListingServer, type ListingServer, type ListingServerOptions } from './listing-server';
export { DEMO_CREATED, pushDemoImages, type DemoImages } from './demo-images';
export { freeLoopbackPort } from './loopback';
export { startRegistryServer, type RegistryServer, type RegistryServerOptions } from './registry-server';
export { startTokenServer, type TokenRequest, type TokenServer, type TokenServerOptions } from './token-server';
