import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GatewayAccessLogs } from './access-logs';
import { ApiKeySource } from './api-key-source';
import { bedrockPolicyStatements, bedrockWildcardFindings, validateAllowedModels } from './bedrock-policy';
import { GatewayCompute } from './compute';
import { encryptAtRest, GatewayEncryption, grantSecretDecrypt } from './encryption';
import { GatewayFrontDoor } from './front-door';
import { GatewayAlarmOptions } from './gateway-alarm-options';
import { GatewayDefaults } from './gateway-defaults';
import { GatewayKey } from './gateway-key';
import { bindKeys } from './gateway-keys';
import { GatewayMonitoring } from './gateway-monitoring';
import { GatewayRestApi } from './gateway-rest-api';
import { GatewayTables } from './gateway-tables';
import { guardrailPolicyStatement, validateGuardrails } from './guardrail-policy';
import { KeysDocument } from './keys-document';
import { GatewayLoadBalancer } from './load-balancer';
import { acknowledgeBedrockWildcards, acknowledgeGateway, acknowledgeLoadBalancer } from './nag';
import { checkSubnetSelection, createVpc, defaultInternetFacing, loadBalancerSubnets, privateComputeSubnets } from './network';
import { DEFAULT_ROUTE_PREFIX } from './proxy-settings';
import { GatewayRoleOptions } from './role-options';
import { applyRoleOptions } from './role-settings';
import { warnAboutLikelyMistakes } from './synth-warnings';
import { propError, validateProxySettings } from './validation';
import { GatewayVpcEndpoints } from './vpc-endpoints';
import { GatewayWebAcl } from './web-acl';

/** Environment variables the construct sets itself; `environment` may not override them. */
const RESERVED_ENVIRONMENT = [
  'API_KEY_SECRET_ARN', 'API_KEY_SECRET_FIELD', 'API_KEY_PARAM_NAME', 'API_KEYS_FILE', 'API_KEYS_SECRET_ARN', 'API_KEYS_PARAM_NAME',
  'API_KEYS_DOCUMENT', 'LIMITS_TABLE_NAME', 'RESPONSES_TABLE_NAME', 'RESPONSES_STORE', 'GATEWAY_NAME',
  'DEFAULT_MODEL', 'DEFAULT_EMBEDDING_MODEL', 'PORT',
];

/** Properties of a {@link BedrockAccessGateway}. */
export interface BedrockAccessGatewayProps {
  /**
   * The VPC of the load balancer (and of Fargate tasks). Pass one from `Vpc.fromLookup` or
   * `Vpc.fromVpcAttributes` to create no VPC, subnet, internet gateway, NAT gateway or route.
   * @default - a new VPC: 2 AZs, no NAT gateway, flow logs on; public subnets unless the load balancer is internal and `vpcEndpoints`
   * is set (then no internet gateway either), isolated subnets for an internal load balancer and for compute behind `vpcEndpoints`
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the load balancer.
   * @default - public subnets when internet-facing; otherwise private subnets, or isolated ones when there are no private ones
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;

  /**
   * Subnets of the compute. Fargate tasks get a public IP only in public subnets. A Lambda function
   * runs in the VPC only when this is set, and then needs private subnets with a NAT gateway or VPC
   * endpoints (for Bedrock and the key's service): without it, it runs outside the VPC and the load
   * balancer invokes it through the Lambda API.
   * @default - with `vpcEndpoints`: isolated subnets of a new VPC, else the private (or isolated) subnets of the given one. Without:
   * Fargate in private subnets with egress if the VPC has them, else public, else isolated subnets; Lambda outside the VPC
   */
  readonly computeSubnets?: ec2.SubnetSelection;

  /**
   * VPC endpoints through which the proxy reaches AWS without a NAT gateway or internet gateway, created
   * or existing ones. With them the compute runs in private or isolated subnets (a Lambda function too),
   * and a new VPC for an internal load balancer has no public subnet and no internet gateway.
   * @default - none: the proxy reaches AWS through the internet (public IP, NAT gateway, or Lambda outside the VPC)
   */
  readonly vpcEndpoints?: GatewayVpcEndpoints;

  /**
   * Where the proxy runs.
   * @default GatewayCompute.lambda()
   */
  readonly compute?: GatewayCompute;

  /**
   * How clients reach the proxy: an Application Load Balancer, or API Gateway (Lambda compute only) with
   * response streaming, a Lambda authorizer and usage plans per key.
   * @default GatewayFrontDoor.loadBalancer()
   */
  readonly frontDoor?: GatewayFrontDoor;

  /**
   * Where the API key lives. Clients send it as `Authorization: Bearer <key>`.
   * Set at most one of `apiKey`, `keys` and `keysDocument`.
   * @default ApiKeySource.generate(), unless `keys` or `keysDocument` is set
   */
  readonly apiKey?: ApiKeySource;

  /**
   * Named API keys, e.g. one per team, each with its own value, models and limits. The proxy gets
   * them as a keys document whose entries reference each key's secret or parameter; it may read
   * exactly those. Set at most one of `apiKey`, `keys` and `keysDocument`.
   * @default - a single key (`apiKey`)
   */
  readonly keys?: GatewayKey[];

  /**
   * A keys document that administrators edit at runtime (in Secrets Manager or SSM): keys are added,
   * disabled or rotated without redeploying. Set at most one of `apiKey`, `keys` and `keysDocument`.
   * @default - a single key (`apiKey`)
   */
  readonly keysDocument?: KeysDocument;

  /**
   * Cost attribution: for each of `keys` that lists its models, one Bedrock application inference
   * profile per model, tagged `bedrock-access-gateway:key=<name>`; the proxy sends that key's requests
   * through them, so Cost Explorer shows Bedrock spend per key once the tag is activated as a cost
   * allocation tag.
   * @default false
   */
  readonly costAttribution?: boolean;

  /**
   * Whether the Responses API stores responses (`store: true`, `previous_response_id`) in a DynamoDB
   * table the construct creates. `false`: no table, and the proxy stores nothing.
   * @default true
   */
  readonly storeResponses?: boolean;

  /**
   * What happens to the gateway's DynamoDB tables (limit counters, stored responses) when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;

  /**
   * A CloudWatch dashboard of the gateway's metrics: requests and tokens per key and per model,
   * throttled requests, budget use, errors and latency.
   * @default - true when `keys` or `keysDocument` is set, else false
   */
  readonly dashboard?: boolean;

  /**
   * CloudWatch alarms on server errors and, with named keys, on a key nearing its monthly token budget.
   * @default - no alarms
   */
  readonly alarms?: GatewayAlarmOptions;

  /**
   * Bedrock model (or inference profile) used for chat requests naming an OpenAI model (`gpt-*`) or none.
   * @default GatewayDefaults.CHAT_MODEL
   */
  readonly defaultModel?: string;

  /**
   * Bedrock model used for embedding requests naming an OpenAI model (`text-embedding-*`).
   * @default GatewayDefaults.EMBEDDING_MODEL
   */
  readonly defaultEmbeddingModel?: string;

  /**
   * Models the gateway may invoke: model ids (`anthropic.claude-…`), cross-region inference
   * profile ids (`us.anthropic.claude-…`) or ARNs (e.g. application inference profiles; also list
   * the model ids behind them). Narrows the IAM policy; Bedrock refuses every other model.
   * The default models (`defaultModel`, `defaultEmbeddingModel` or their defaults) must be among them.
   * @default - every foundation model and inference profile
   */
  readonly allowedModels?: string[];

  /**
   * Bedrock guardrails requests may apply (OpenAI requests name one in `guardrail_config`): guardrail
   * ids (in this region and account) or ARNs. The proxy may call `bedrock:ApplyGuardrail` on exactly
   * these; for a guardrail with cross-region inference also list its guardrail profile ARNs.
   * @default - none: requests that name a guardrail are refused by Bedrock
   */
  readonly guardrails?: string[];

  /**
   * Whether the load balancer faces the internet; an internal one sits in private or isolated subnets.
   * @default - true, or false when the given `vpc` has no public subnets
   */
  readonly internetFacing?: boolean;

  /**
   * An ACM certificate: the load balancer then listens with HTTPS on 443 and redirects HTTP on 80
   * to it. Point a DNS name that the certificate covers at the load balancer and set `domainName`.
   * @default - HTTP only, on port 80
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The DNS name clients use for HTTPS (it must match `certificate`); used in `apiBaseUrl`.
   * The construct creates no DNS record.
   * @default - the load balancer's DNS name
   */
  readonly domainName?: string;

  /**
   * Who may connect to the listener port(s).
   * @default - any IPv4 address
   */
  readonly ingressPeers?: ec2.IPeer[];

  /**
   * Idle timeout of the load balancer: long streamed answers must fit in it (1 to 4000 seconds).
   * @default Duration.seconds(600)
   */
  readonly idleTimeout?: Duration;

  /**
   * Retention of the proxy's and the VPC flow logs' log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Extra settings for the proxy, as environment variables (e.g. `API_ROUTE_PREFIX`). The variables
   * the construct sets itself (key location, default models, `PORT`) come from the other props.
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * Permissions boundary, path and name prefix for every IAM role the gateway creates.
   * @default - no boundary, path "/", names generated by CloudFormation
   */
  readonly roles?: GatewayRoleOptions;

  /**
   * Encryption at rest of the gateway's log groups, the generated API key secret and its tables.
   * @default GatewayEncryption.awsManaged()
   */
  readonly encryption?: GatewayEncryption;

  /**
   * Access logs of the load balancer, to a new or a given S3 bucket. Needs a stack with a region.
   * @default - none
   */
  readonly accessLogs?: GatewayAccessLogs;

  /**
   * Deletion protection of the load balancer: CloudFormation (or anyone) can delete it only after turning it off.
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * An AWS WAF web ACL associated with the load balancer: a new one (known bad inputs blocked, an optional
   * per-IP rate limit) or an existing one.
   * @default - none
   */
  readonly webAcl?: GatewayWebAcl;
}

/**
 * An OpenAI-compatible API for Amazon Bedrock: an Application Load Balancer in front of the
 * gateway proxy on Lambda or Fargate, with API-key auth and least-privilege Bedrock access.
 *
 * Point any OpenAI SDK at `apiBaseUrl` with the API key and it talks to Bedrock unchanged.
 */
export class BedrockAccessGateway extends Construct {
  /** The VPC of the load balancer; with the API Gateway front door, the `vpc` prop if given. */
  public readonly vpc?: ec2.IVpc;

  /** The Application Load Balancer clients connect to, with the load balancer front door. */
  public readonly loadBalancer?: elbv2.ApplicationLoadBalancer;

  /** The listener that forwards to the proxy (HTTPS when a certificate is given, else HTTP), with the load balancer front door. */
  public readonly listener?: elbv2.ApplicationListener;

  /** The load balancer's security group; add ingress rules here to admit more clients. With the load balancer front door. */
  public readonly loadBalancerSecurityGroup?: ec2.ISecurityGroup;

  /** The REST API clients connect to, with the API Gateway front door. */
  public readonly restApi?: apigateway.RestApi;

  /** The function of the API Gateway authorizer that checks Bearer keys, with the API Gateway front door. */
  public readonly authorizerFunction?: lambda.Function;

  /** The proxy's function, with Lambda compute. */
  public readonly function?: lambda.Function;

  /** The proxy's service, with Fargate compute. */
  public readonly service?: ecs.FargateService;

  /** The secret holding the API key, when the key lives in Secrets Manager. */
  public readonly apiKeySecret?: secretsmanager.ISecret;

  /** The SSM parameter name holding the API key, when the key lives in Parameter Store. */
  public readonly apiKeyParameterName?: string;

  /** The name the gateway's metrics carry as their `Gateway` dimension: `<stack name>-<construct id>`. */
  public readonly gatewayName: string;

  /** The DynamoDB table of limit counters, when some key may have limits. */
  public readonly limitsTable?: dynamodb.ITable;

  /** The DynamoDB table of stored Responses-API responses, unless `storeResponses` is false. */
  public readonly responsesTable?: dynamodb.ITable;

  /** The CloudWatch dashboard, when `dashboard` is on. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /** The alarm on server errors, when `alarms` is set. */
  public readonly serverErrorsAlarm?: cloudwatch.Alarm;

  /** The alarm on a key nearing its monthly token budget, when `alarms` is set and a key may have such a budget. */
  public readonly monthlyBudgetAlarm?: cloudwatch.Alarm;

  private readonly keySecrets: { [name: string]: secretsmanager.ISecret };

  /**
   * Base URL for OpenAI clients: `http(s)://<load balancer or domain>/api/v1`, with API Gateway
   * `https://<api>.execute-api.<region>.amazonaws.com/v1/api/v1` or `https://<domain>/api/v1`; `environment.API_ROUTE_PREFIX`
   * in place of `/api/v1` when set.
   */
  public readonly apiBaseUrl: string;

  /** The identity the proxy runs as; grant it access to more resources if your settings need it. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The customer managed KMS key of the gateway's log groups, secret and tables, when `encryption` names one. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: BedrockAccessGatewayProps = {}) {
    super(scope, id);
    const compute = props.compute ?? GatewayCompute.lambda();
    const internetFacing = props.internetFacing ?? defaultInternetFacing(props.vpc);
    const idleTimeout = props.idleTimeout ?? Duration.seconds(600);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const extraEnvironment = props.environment ?? {};
    const models: DefaultModels = {
      defaultModel: props.defaultModel ?? GatewayDefaults.CHAT_MODEL,
      defaultEmbeddingModel: props.defaultEmbeddingModel ?? GatewayDefaults.EMBEDDING_MODEL,
    };
    const apiGateway = (props.frontDoor ?? GatewayFrontDoor.loadBalancer())._apiGateway;
    validateProps(props, models, idleTimeout, extraEnvironment);
    applyRoleOptions(this, props.roles);
    this.encryptionKey = (props.encryption ?? GatewayEncryption.awsManaged())._bind(this);
    encryptAtRest(this, this.encryptionKey);

    // The API Gateway front door needs no VPC and no load balancer.
    if (apiGateway) validateApiGatewayProps(props);
    const privateCompute = props.vpcEndpoints !== undefined;
    this.vpc = apiGateway ? props.vpc : props.vpc ?? createVpc(this, { internetFacing, privateCompute, logRetention });
    const lb = apiGateway ? undefined : new GatewayLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc!,
      subnets: loadBalancerSubnets(this.vpc!, internetFacing, props.loadBalancerSubnets),
      internetFacing,
      certificate: props.certificate,
      ingressPeers: props.ingressPeers ?? [ec2.Peer.anyIpv4()],
      idleTimeout,
      deletionProtection: props.deletionProtection,
    });
    this.loadBalancer = lb?.loadBalancer;
    this.listener = lb?.listener;
    this.loadBalancerSecurityGroup = lb?.securityGroup;

    const keys = bindKeys(this, props);
    this.apiKeySecret = keys.single?.secret;
    this.apiKeyParameterName = keys.single?.parameterName;
    this.keySecrets = keys.secrets;
    const tables = new GatewayTables(this, 'Tables', {
      limits: keys.hasLimits,
      responses: props.storeResponses ?? true,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.limitsTable = tables.limitsTable;
    this.responsesTable = tables.responsesTable;
    this.gatewayName = Fn.join('-', [Aws.STACK_NAME, this.node.id]);

    const environment = {
      // How long the load balancer's caller waits: the proxy ends a request's upstream calls in time to answer first.
      ...(lb ? { REQUEST_TIMEOUT_SECONDS: seconds(idleTimeout) } : {}),
      ...extraEnvironment,
      ...keys.environment,
      ...tables.environment,
      GATEWAY_NAME: this.gatewayName,
      DEFAULT_MODEL: models.defaultModel,
      DEFAULT_EMBEDDING_MODEL: models.defaultEmbeddingModel,
    };
    const computeSubnets = props.computeSubnets && this.vpc
      ? checkSubnetSelection('computeSubnets', this.vpc, props.computeSubnets)
      : props.computeSubnets ?? (props.vpcEndpoints && privateComputeSubnets(this.vpc!, props.vpc === undefined));
    const built = compute._bind(this, { vpc: this.vpc, subnets: computeSubnets, listener: this.listener, environment, logRetention });
    this.function = built.function;
    this.service = built.service;
    this.grantPrincipal = built.role;

    keys.grantRead(built.role);
    grantSecretDecrypt(this.encryptionKey, built.role);
    tables.grantItemAccess(built.role);
    props.vpcEndpoints?._bind(this, {
      vpc: this.vpc!,
      subnets: computeSubnets!,
      compute: built.connections!,
      services: [
        ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
        ec2.InterfaceVpcEndpointAwsService.BEDROCK,
        // The single key's store; named keys and keys documents may reference secrets and parameters alike.
        ...(keys.single
          ? [keys.single.endpointService]
          : [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, ec2.InterfaceVpcEndpointAwsService.SSM]),
        ...built.endpointServices,
      ],
    });
    for (const statement of bedrockPolicyStatements(props.allowedModels, keys.inferenceProfileArns)) {
      built.role.addToPrincipalPolicy(statement);
    }
    if (props.guardrails) built.role.addToPrincipalPolicy(guardrailPolicyStatement(props.guardrails));
    warnAboutLikelyMistakes(this, { ...props, idleTimeout, function: built.function });
    acknowledgeBedrockWildcards(built.role, bedrockWildcardFindings(props.allowedModels));
    const routePrefix = extraEnvironment.API_ROUTE_PREFIX ?? DEFAULT_ROUTE_PREFIX;
    acknowledgeGateway(this, { customerManagedKey: this.encryptionKey !== undefined });
    if (lb) {
      props.accessLogs?._bind(this, lb.loadBalancer);
      props.webAcl?._bind(this, lb.loadBalancer, logRetention);
      acknowledgeLoadBalancer(lb.loadBalancer, lb.securityGroup, {
        ingressPeers: props.ingressPeers,
        accessLogs: props.accessLogs !== undefined,
        https: props.certificate !== undefined,
        webAcl: props.webAcl !== undefined,
        deletionProtection: props.deletionProtection ?? false,
      });
      const scheme = props.certificate ? 'https' : 'http';
      this.apiBaseUrl = `${scheme}://${props.domainName ?? lb.loadBalancer.loadBalancerDnsName}${routePrefix}`;
    } else {
      const restApi = new GatewayRestApi(this, 'Api', {
        ...apiGateway,
        function: built.function!,
        functionTimeout: built.function!.timeout!,
        environment,
        grantKeyRead: (role) => {
          keys.grantRead(role);
          grantSecretDecrypt(this.encryptionKey, role);
        },
        vpc: this.vpc,
        certificate: props.certificate,
        domainName: props.domainName,
        logRetention,
      });
      this.restApi = restApi.api;
      this.authorizerFunction = restApi.authorizerFunction;
      this.apiBaseUrl = `${restApi.origin}${routePrefix}`;
    }
    new CfnOutput(this, 'ApiBaseUrl', {
      description: 'Base URL of the OpenAI-compatible API (use it as the OpenAI base_url)',
      value: this.apiBaseUrl,
    });
    if (this.apiKeySecret) {
      new CfnOutput(this, 'ApiKeySecretArn', {
        description: 'Secrets Manager secret holding the API key',
        value: this.apiKeySecret.secretArn,
      });
    }

    const dashboard = props.dashboard ?? (props.keys !== undefined || props.keysDocument !== undefined);
    if (dashboard || props.alarms) {
      const monitoring = new GatewayMonitoring(this, 'Monitoring', {
        gatewayName: this.gatewayName,
        dashboard,
        alarms: props.alarms,
        monthlyBudgets: keys.hasMonthlyBudgets,
      });
      this.dashboard = monitoring.dashboard;
      this.serverErrorsAlarm = monitoring.serverErrorsAlarm;
      this.monthlyBudgetAlarm = monitoring.monthlyBudgetAlarm;
    }
  }

  /**
   * The Secrets Manager secret holding the value of the named key of `keys` (the generated secret,
   * unless the key's value was given), e.g. to output its ARN or grant a team read access to it.
   *
   * @param name the key's name
   */
  public keySecret(name: string): secretsmanager.ISecret {
    const secret = this.keySecrets[name];
    if (!secret) {
      const names = Object.keys(this.keySecrets);
      throw new Error(`keySecret: no key named "${name}" keeps its value in Secrets Manager; `
        + (names.length > 0 ? `the keys that do: ${names.join(', ')}` : 'only keys declared with the keys prop have secrets here'));
    }
    return secret;
  }
}

/** The models the proxy falls back to: the props, or the construct's defaults. */
interface DefaultModels {
  readonly defaultModel: string;
  readonly defaultEmbeddingModel: string;
}

function validateProps(props: BedrockAccessGatewayProps, models: DefaultModels, idleTimeout: Duration,
  environment: { [key: string]: string }): void {
  for (const name of ['defaultModel', 'defaultEmbeddingModel'] as const) {
    const value = models[name];
    if (!Token.isUnresolved(value) && value.trim() === '') {
      throw propError(name, 'must not be empty', `"${value}"`, 'name a Bedrock model id or omit it to use the GatewayDefaults model');
    }
    if (!Token.isUnresolved(value) && /\s/.test(value)) {
      throw propError(name, 'must be a Bedrock model id, inference profile id or ARN, which hold no blanks', `"${value}"`,
        'copy the id from the Bedrock console or `aws bedrock list-foundation-models`, e.g. "global.anthropic.claude-sonnet-4-6"');
    }
  }
  validateAllowedModels(props.allowedModels);
  validateGuardrails(props.guardrails);
  const allowed = props.allowedModels;
  if (allowed && !allowed.some((id) => Token.isUnresolved(id))) {
    for (const name of ['defaultModel', 'defaultEmbeddingModel'] as const) {
      const value = models[name];
      if (Token.isUnresolved(value) || allowed.includes(value)) continue;
      if (props[name] === undefined) {
        throw propError(name, 'is not set and its default is not one of allowedModels, so the gateway may not invoke it', `"${value}"`,
          `set ${name} to one of allowedModels, or add "${value}" to them`);
      }
      throw propError(name, 'must be one of allowedModels, or the gateway may not invoke it', `"${value}"`,
        `add "${value}" to allowedModels or pick one of them`);
    }
  }
  if (!idleTimeout.isUnresolved() && (idleTimeout.toSeconds() < 1 || idleTimeout.toSeconds() > 4000)) {
    throw propError('idleTimeout', 'must be from 1 to 4000 seconds', `${idleTimeout.toSeconds()} seconds`,
      'pick a value in that range; long streamed answers need several minutes, e.g. Duration.seconds(600)');
  }
  if (props.domainName !== undefined && !props.certificate) {
    throw propError('domainName', 'is used for HTTPS only and needs certificate', `"${props.domainName}"`,
      'pass the certificate that covers this name, or remove domainName');
  }
  if (props.ingressPeers && props.ingressPeers.length === 0) {
    throw propError('ingressPeers', 'must not be empty: no client could connect', '[]',
      'list the peers that may connect, e.g. ec2.Peer.ipv4("10.0.0.0/8"), or omit ingressPeers to allow any IPv4 address');
  }
  validateProxySettings(environment);
  if ('API_KEY' in environment) {
    throw propError('environment', 'API_KEY would put the key in plain text in the function or task configuration', 'API_KEY',
      'store the key in Secrets Manager or SSM Parameter Store and pass it with the apiKey prop');
  }
  const reserved = Object.keys(environment).filter((name) => RESERVED_ENVIRONMENT.includes(name));
  if (reserved.length > 0) {
    throw propError('environment', 'sets variables the construct manages', reserved.join(', '),
      'use the apiKey, keys, keysDocument, storeResponses, defaultModel, defaultEmbeddingModel or compute props instead');
  }
}

/** Props that shape the load balancer or its network, refused with the API Gateway front door. */
function validateApiGatewayProps(props: BedrockAccessGatewayProps): void {
  const fixes: Partial<Record<keyof BedrockAccessGatewayProps, string>> = {
    accessLogs: 'API Gateway writes JSON access logs of its own; remove accessLogs',
    webAcl: 'use the webAclArn option of GatewayFrontDoor.apiGateway() instead',
    deletionProtection: 'remove it: API Gateway has no load balancer to protect',
    vpcEndpoints: 'pass vpc and computeSubnets to run the function in your private subnets, with your own VPC endpoints',
  };
  for (const [prop, fix] of Object.entries(fixes)) {
    if (props[prop as keyof BedrockAccessGatewayProps] !== undefined) {
      throw propError(prop, 'applies to the load balancer front door only', 'GatewayFrontDoor.apiGateway()', fix!);
    }
  }
}

/** A duration in seconds as an environment value, deploy-time or not. */
function seconds(duration: Duration): string {
  const value = duration.toSeconds();
  return Token.isUnresolved(value) ? Token.asString(value) : String(value);
}
