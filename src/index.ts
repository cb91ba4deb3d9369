export * from './bedrock-access-gateway';
export * from './compute-options';
export { ApiKeySource } from './api-key-source';
export { GatewayCompute } from './compute';
export { GatewayDefaults } from './gateway-defaults';
export * from './gateway-key';
export * from './gateway-alarm-options';
export { KeysDocument } from './keys-document';
export * from './keys-document-options';
