import type { APIGatewayProxyEvent } from 'aws-lambda';
import { initLambdaApp } from './lambda-app';
import { serveRestApiEvent } from './rest-api-streaming';

// API Gateway waits as long as the function runs (its integration timeout is the function's timeout).
const { app, ready, invoke } = initLambdaApp({ behindLoadBalancer: false });

/**
 * Lambda entry point for API Gateway REST proxy events with response streaming (the integration's
 * `responseTransferMode: STREAM`): answers reach the client as the proxy writes them.
 *
 * The proxy verifies the Bearer key itself even behind the API Gateway authorizer: the function can be invoked
 * without API Gateway (by anyone allowed to call lambda:InvokeFunction), and the same auth hook sets the caller whose
 * model allow-list and limits every route applies. The key check costs no request to the key store: the verifier
 * caches the key for its TTL.
 */
export const handler = awslambda.streamifyResponse<APIGatewayProxyEvent>(async (event, responseStream, context) => {
  await ready;
  await invoke(context, () => serveRestApiEvent(app, event, responseStream));
});
