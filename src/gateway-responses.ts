import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** Seconds clients are told to wait after the edge throttled them (API Gateway refills its token bucket every second). */
const THROTTLE_RETRY_AFTER_SECONDS = '1';

/** An answer API Gateway gives itself, in OpenAI's error shape. */
interface OpenAIGatewayResponse {
  readonly type: apigateway.ResponseType;
  /** The status to answer with; undefined keeps API Gateway's own. */
  readonly statusCode?: string;
  /** A JSON string literal, or `$context.error.messageString` (API Gateway's message, already quoted). */
  readonly message: string;
  readonly errorType: string;
  readonly code: string | null;
  /** Headers of the answer, e.g. `Retry-After`. */
  readonly headers?: Readonly<Record<string, string>>;
}

const quoted = (message: string) => JSON.stringify(message);
const API_GATEWAY_MESSAGE = '$context.error.messageString';

/**
 * Every answer API Gateway can produce in front of the proxy: the authorizer's 401, usage-plan 429s, the WAF's 403,
 * a body over 10 MB, the integration failing or timing out, and the catch-alls for anything else.
 */
const RESPONSES: OpenAIGatewayResponse[] = [
  {
    type: apigateway.ResponseType.UNAUTHORIZED,
    statusCode: '401',
    errorType: 'authentication_error',
    code: 'invalid_api_key',
    message: quoted('Incorrect or missing API key. Provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).'),
  },
  {
    type: apigateway.ResponseType.ACCESS_DENIED,
    statusCode: '403',
    errorType: 'permission_error',
    code: 'access_denied',
    message: quoted('Access to this API is denied for this request.'),
  },
  {
    type: apigateway.ResponseType.THROTTLED,
    statusCode: '429',
    errorType: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    message: quoted('Rate limit reached for requests to this gateway. Please retry shortly.'),
    headers: { 'Retry-After': THROTTLE_RETRY_AFTER_SECONDS },
  },
  {
    type: apigateway.ResponseType.QUOTA_EXCEEDED,
    statusCode: '429',
    errorType: 'insufficient_quota',
    code: 'insufficient_quota',
    message: quoted('You exceeded the request quota of this API key for the current period. Contact the gateway administrator.'),
    // OpenAI's SDKs retry every 429 unless told not to; the quota does not come back before the period ends.
    headers: { 'x-should-retry': 'false' },
  },
  {
    type: apigateway.ResponseType.INVALID_API_KEY,
    statusCode: '403',
    errorType: 'permission_error',
    code: 'usage_plan_missing',
    message: quoted('This API key has no usage plan on the gateway. Contact the gateway administrator.'),
  },
  {
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '404',
    errorType: 'invalid_request_error',
    code: 'unknown_url',
    message: quoted('Unknown request URL. Please check the URL for typos.'),
  },
  {
    type: apigateway.ResponseType.RESOURCE_NOT_FOUND,
    statusCode: '404',
    errorType: 'invalid_request_error',
    code: 'unknown_url',
    message: quoted('Unknown request URL. Please check the URL for typos.'),
  },
  {
    type: apigateway.ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    errorType: 'invalid_request_error',
    code: 'request_too_large',
    message: quoted('The request body is too large (API Gateway accepts up to 10 MB).'),
  },
  {
    type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE,
    statusCode: '415',
    errorType: 'invalid_request_error',
    code: 'unsupported_media_type',
    message: quoted('Unsupported Content-Type; send application/json.'),
  },
  {
    type: apigateway.ResponseType.WAF_FILTERED,
    statusCode: '403',
    errorType: 'permission_error',
    code: 'request_blocked',
    message: quoted('The request was blocked by the gateway\'s web application firewall.'),
  },
  {
    type: apigateway.ResponseType.AUTHORIZER_FAILURE,
    statusCode: '500',
    errorType: 'server_error',
    code: 'api_key_unavailable',
    message: quoted('The gateway could not check the API key. Please retry; if the error persists, contact the gateway administrator.'),
  },
  {
    type: apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
    statusCode: '500',
    errorType: 'server_error',
    code: 'api_key_unavailable',
    message: quoted('The gateway could not check the API key. Contact the gateway administrator.'),
  },
  {
    type: apigateway.ResponseType.INTEGRATION_FAILURE,
    statusCode: '502',
    errorType: 'server_error',
    code: 'bad_gateway',
    message: quoted('The gateway could not complete the request. Please retry; if the error persists, contact the gateway administrator.'),
  },
  {
    type: apigateway.ResponseType.INTEGRATION_TIMEOUT,
    statusCode: '504',
    errorType: 'server_error',
    code: 'timeout',
    message: quoted('The request took longer than the gateway allows.'),
  },
  { type: apigateway.ResponseType.DEFAULT_4XX, errorType: 'invalid_request_error', code: null, message: API_GATEWAY_MESSAGE },
  { type: apigateway.ResponseType.DEFAULT_5XX, errorType: 'server_error', code: null, message: API_GATEWAY_MESSAGE },
];

/** Gives every answer API Gateway produces itself OpenAI's error body and the matching status. */
export function addOpenAIGatewayResponses(api: apigateway.RestApi): void {
  for (const response of RESPONSES) {
    const code = response.code === null ? 'null' : quoted(response.code);
    api.addGatewayResponse(response.type.responseType, {
      type: response.type,
      statusCode: response.statusCode,
      responseHeaders: response.headers && Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, `'${value}'`])),
      templates: {
        'application/json': `{"error":{"message":${response.message},"type":${quoted(response.errorType)},"param":null,"code":${code}}}`,
      },
    });
  }
}
