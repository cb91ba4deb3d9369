export * from './bedrock-access-gateway';
export { ApiKeySource } from './api-key-source';
export { GatewayCompute, LambdaComputeOptions, FargateComputeOptions } from './compute';
