export * from './bedrock-access-gateway';
export * from './compute-options';
export { ApiKeySource } from './api-key-source';
export { GatewayCompute } from './compute';
export { GatewayDefaults } from './gateway-defaults';
export * from './front-door';
