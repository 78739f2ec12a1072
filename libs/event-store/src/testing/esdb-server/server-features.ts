import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';

const STREAMS = 'event_store.client.streams.streams';

/** ServerFeatures: what the client asks first, to choose BatchAppend over Append. */
export function serverFeaturesService(options: {
  version: string;
  batchAppend: boolean;
}): UntypedServiceImplementation {
  const methods = [
    method(STREAMS, 'read', ['position', 'events']),
    method(STREAMS, 'append'),
    ...(options.batchAppend ? [method(STREAMS, 'batchappend')] : []),
    method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
  ];
  return {
    getSupportedMethods(_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) {
      callback(null, new SupportedMethods().setEventStoreServerVersion(options.version).setMethodsList(methods));
    },
  };
}

function method(serviceName: string, methodName: string, features: string[] = []): SupportedMethod {
  return new SupportedMethod().setServiceName(serviceName).setMethodName(methodName).setFeaturesList(features);
}
