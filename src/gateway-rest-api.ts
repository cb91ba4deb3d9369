import { createHash } from 'node:crypto';
import { Aws, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ApiGatewayFrontDoorOptions, EdgeLimits } from './front-door';
import { addOpenAIGatewayResponses } from './gateway-responses';
import { LAMBDA_ASSET } from './lambda-proxy';
import { acknowledgeLambdaFunction, acknowledgeRestApi } from './nag';
import { propError } from './validation';

/** Stage of the API: the first segment of the default URL's path. */
const STAGE_NAME = 'v1';

export interface GatewayRestApiProps extends ApiGatewayFrontDoorOptions {
  /** The proxy's function (the streaming entry point). */
  readonly function: lambda.IFunction;
  /** Its timeout: the integration waits as long. */
  readonly functionTimeout: Duration;
  /** The proxy's settings; the authorizer reads the key settings from the same variables. */
  readonly environment: { [key: string]: string };
  /** Grants a role read access to the key(s). */
  readonly grantKeyRead: (role: iam.IRole) => void;
  /** VPC for a created `execute-api` interface endpoint. */
  readonly vpc?: ec2.IVpc;
  readonly certificate?: acm.ICertificate;
  readonly domainName?: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The API Gateway front door: a REST API whose `/{proxy+}` streams from the proxy's function (response streaming),
 * behind a Lambda REQUEST authorizer on the Authorization header, with one usage plan per key that declares edge
 * limits plus a default plan, OpenAI-shaped gateway responses, JSON access logs and optional custom domain and WAF.
 */
export class GatewayRestApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly authorizerFunction: lambda.Function;
  /** `https://<stage URL or custom domain>` without a trailing slash. */
  public readonly origin: string;

  constructor(scope: Construct, id: string, props: GatewayRestApiProps) {
    super(scope, id);
    const endpoint = props.endpoint;
    const isPrivate = endpoint?._private ?? false;
    const cacheTtl = props.authorizerCacheTtl ?? Duration.minutes(5);
    validate(props, isPrivate, cacheTtl);

    const vpcEndpoint = isPrivate ? endpoint?._vpcEndpoint ?? this.createVpcEndpoint(props.vpc!) : undefined;
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    const planKeys = usagePlanKeyValues(props);
    this.authorizerFunction = this.createAuthorizerFunction(props, planKeys);
    const authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: this.authorizerFunction,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: cacheTtl,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Bedrock Access Gateway: OpenAI-compatible API for Amazon Bedrock',
      endpointConfiguration: isPrivate
        ? { types: [apigateway.EndpointType.PRIVATE], vpcEndpoints: [vpcEndpoint!] }
        : { types: [apigateway.EndpointType.REGIONAL] },
      policy: vpcEndpoint ? privateApiPolicy(vpcEndpoint) : undefined,
      // Usage plans identify a request's plan by the API key value the authorizer returns; clients cannot present one.
      apiKeySourceType: apigateway.ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: false,
      // Every method (the root's and `/{proxy+}`'s) streams from the proxy behind the authorizer, counted in a usage plan.
      defaultIntegration: new apigateway.LambdaIntegration(props.function, {
        proxy: true,
        responseTransferMode: apigateway.ResponseTransferMode.STREAM,
        timeout: props.functionTimeout,
      }),
      defaultMethodOptions: { authorizer, apiKeyRequired: true },
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        tracingEnabled: props.tracing ?? false,
        throttlingRateLimit: props.throttlingRateLimit ?? 100,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 200,
      },
    });
    // The gateway's own ApiBaseUrl output names the URL clients use; the stage URL output would only repeat part of it.
    this.api.node.tryRemoveChild('Endpoint');
    addOpenAIGatewayResponses(this.api);
    this.api.root.addProxy({ anyMethod: true });
    this.createUsagePlans(props, planKeys);

    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: props.webAclArn });
    }
    if (props.domainName && props.certificate) {
      this.api.addDomainName('Domain', {
        domainName: props.domainName,
        certificate: props.certificate,
        endpointType: apigateway.EndpointType.REGIONAL,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
      });
      this.origin = `https://${props.domainName}`;
    } else {
      this.origin = `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${STAGE_NAME}`;
    }
    acknowledgeRestApi(this.api, { webAcl: props.webAclArn !== undefined, tracing: props.tracing ?? false });
  }

  private createVpcEndpoint(vpc: ec2.IVpc): ec2.InterfaceVpcEndpoint {
    return new ec2.InterfaceVpcEndpoint(this, 'ExecuteApiEndpoint', {
      vpc,
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
      privateDnsEnabled: true,
      subnets: { subnets: vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets },
      open: true,
    });
  }

  private createAuthorizerFunction(props: GatewayRestApiProps, planKeys: UsagePlanKeyValues): lambda.Function {
    const logGroup = new logs.LogGroup(this, 'AuthorizerLogGroup', { retention: props.logRetention });
    // Own role with write access to its own log group and read access to the key(s), instead of AWSLambdaBasicExecutionRole.
    const role = new iam.Role(this, 'AuthorizerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the Bedrock Access Gateway API key authorizer',
    });
    logGroup.grantWrite(role);
    props.grantKeyRead(role);
    const authorizer = new lambda.Function(this, 'AuthorizerFunction', {
      description: 'Bedrock Access Gateway: checks the Bearer API key and names its usage plan',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'authorizer.handler',
      code: lambda.Code.fromAsset(LAMBDA_ASSET),
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: {
        ...props.environment,
        USAGE_PLAN_KEYS: Stack.of(this).toJsonString(planKeys.byKeyName),
        DEFAULT_USAGE_PLAN_KEY: planKeys.defaultKey,
      },
    });
    acknowledgeLambdaFunction(authorizer, false, false);
    return authorizer;
  }

  /**
   * One usage plan per key in `usagePlans` plus the default plan, each with one API Gateway API key whose value the
   * authorizer returns as `usageIdentifierKey` for the keys of that plan.
   */
  private createUsagePlans(props: GatewayRestApiProps, values: UsagePlanKeyValues): void {
    const plans: [string, string, string, EdgeLimits][] = [
      ...(props.usagePlans ?? []).map((plan): [string, string, string, EdgeLimits] =>
        [`UsagePlan${hash(plan.keyName).slice(0, 8)}`, `key ${plan.keyName}`, values.byKeyName[plan.keyName], plan]),
      ['DefaultUsagePlan', 'keys without a plan of their own', values.defaultKey, props.defaultUsagePlan ?? {}],
    ];
    for (const [id, label, value, limits] of plans) {
      const usagePlan = this.api.addUsagePlan(id, {
        description: `Edge limits of ${label}`,
        throttle: limits.rateLimit === undefined && limits.burstLimit === undefined
          ? undefined : { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quota: limits.quota === undefined ? undefined : { limit: limits.quota, period: limits.quotaPeriod ?? apigateway.Period.MONTH },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      usagePlan.addApiKey(new apigateway.ApiKey(this, `${id}Key`, { description: `Selects the usage plan of ${label}`, value }));
    }
  }
}

/** The API Gateway API key value of each usage plan: by gateway key name, and the default plan's. */
interface UsagePlanKeyValues {
  readonly byKeyName: Record<string, string>;
  readonly defaultKey: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The usage plans' API key values, derived rather than generated so that the authorizer's settings can name them:
 * the stack's id (unique per deployment, so two stacks in one region never collide) and a hash of the key name. They
 * are not secrets: the API takes API keys only from the authorizer, so a client cannot present one.
 */
function usagePlanKeyValues(props: GatewayRestApiProps): UsagePlanKeyValues {
  const stackGuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  const value = (label: string) => Fn.join('-', [stackGuid, hash(label).slice(0, 16)]);
  return {
    byKeyName: Object.fromEntries((props.usagePlans ?? []).map((plan) => [plan.keyName, value(`key:${plan.keyName}`)])),
    defaultKey: value('default-plan'),
  };
}

/** One JSON line per request; never the Authorization header or a body. */
const ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  keyName: '$context.authorizer.keyName',
  errorType: '$context.error.responseType',
  integrationLatencyMs: '$context.integration.latency',
  latencyMs: '$context.responseLatency',
}));

/** Invocations only through the given interface endpoint. */
function privateApiPolicy(vpcEndpoint: ec2.IInterfaceVpcEndpoint): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        effect: iam.Effect.ALLOW,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: { StringNotEquals: { 'aws:SourceVpce': vpcEndpoint.vpcEndpointId } },
      }),
    ],
  });
}

function validate(props: GatewayRestApiProps, isPrivate: boolean, cacheTtl: Duration): void {
  if (isPrivate && !props.endpoint?._vpcEndpoint && !props.vpc) {
    throw propError('frontDoor', 'ApiGatewayEndpoint.privateEndpoint() without a vpcEndpoint creates one and needs the vpc prop', 'no vpc',
      'pass vpc (the VPC your clients are in), or an existing execute-api interface endpoint to privateEndpoint()');
  }
  if (isPrivate && props.domainName) {
    throw propError('domainName', 'a custom domain is for a regional API; a private API is reached through its VPC endpoint', `"${props.domainName}"`,
      'remove domainName and certificate, or use ApiGatewayEndpoint.regional()');
  }
  if (props.certificate && !props.domainName) {
    throw propError('certificate', 'with the API Gateway front door it is the custom domain\'s certificate and needs domainName', 'no domainName',
      'set domainName to the name the certificate covers, or remove certificate');
  }
  if (!cacheTtl.isUnresolved() && cacheTtl.toSeconds() > 3600) {
    throw propError('frontDoor', 'GatewayFrontDoor.apiGateway({ authorizerCacheTtl }) must be at most 1 hour', `${cacheTtl.toSeconds()} seconds`,
      'pick a value from 0 to 3600 seconds, e.g. Duration.minutes(5)');
  }
  const names = (props.usagePlans ?? []).map((plan) => plan.keyName);
  for (const name of names) {
    if (Token.isUnresolved(name) || name.trim() === '') {
      throw propError('frontDoor', 'each of GatewayFrontDoor.apiGateway({ usagePlans }) needs a keyName known at synth', `"${name}"`,
        'name the key as in the keys document, or "default" for the single key of the apiKey prop');
    }
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw propError('frontDoor', 'GatewayFrontDoor.apiGateway({ usagePlans }) has two plans for one key', `"${duplicate}" twice`,
      'give each key at most one usage plan');
  }
  for (const limits of [...(props.usagePlans ?? []), props.defaultUsagePlan ?? {}]) {
    for (const field of ['rateLimit', 'burstLimit', 'quota'] as const) {
      const value = limits[field];
      if (value !== undefined && !Token.isUnresolved(value) && !(value >= 0)) {
        throw propError('frontDoor', `usage plan ${field} must not be negative`, String(value), `set ${field} to 0 or more, or omit it`);
      }
    }
  }
}
