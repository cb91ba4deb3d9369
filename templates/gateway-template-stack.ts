import { CfnOutput, CfnRule, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { ApiKeySource, BedrockAccessGateway, BedrockAccessGatewayProps, GatewayCompute, GatewayFrontDoor, GatewayVpcEndpoints, KeysDocument } from '../src';
import { BootstraplessSynthesizer } from './bootstrapless-synthesizer';
import { consoleInterface } from './console-interface';
import { allowPullFromAccountRepositories } from './image-pull';
import { makeCertificateOptional } from './optional-certificate';
import { declareParameters, ParameterDefaults, TemplateParameters } from './parameters';
import { TemplateVariant } from './variants';

/** Settings baked into every template at synthesis. */
export interface TemplateDefaults extends ParameterDefaults {
  /** Default of the asset bucket prefix parameter: where `publish-templates` uploads the code. */
  readonly assetBucketPrefix: string;
}

/**
 * One one-click template: the `BedrockAccessGateway` construct fed by CloudFormation parameters,
 * synthesized without any dependency on `cdk bootstrap`.
 */
export class GatewayTemplateStack extends Stack {
  public readonly variant: TemplateVariant;
  public readonly synthesizer: BootstraplessSynthesizer;

  constructor(scope: Construct, variant: TemplateVariant, defaults: TemplateDefaults) {
    const synthesizer = new BootstraplessSynthesizer(defaults.assetBucketPrefix);
    super(scope, variant.name, { synthesizer, description: variant.description, analyticsReporting: false });
    this.variant = variant;
    this.synthesizer = synthesizer;

    const params = declareParameters(this, variant, defaults);
    const keys = keySource(params);
    const gateway = variant.frontDoor === 'api-gateway'
      ? new BedrockAccessGateway(this, 'Gateway', {
        frontDoor: GatewayFrontDoor.apiGateway(),
        // The longest answer an API Gateway stream may take.
        compute: GatewayCompute.lambda({ timeout: Duration.minutes(15) }),
        ...keys,
        defaultModel: params.defaultModel.valueAsString,
        defaultEmbeddingModel: params.defaultEmbeddingModel.valueAsString,
      })
      : loadBalancerGateway(this, variant, params, keys);
    (gateway.node.findChild('ApiBaseUrl') as CfnOutput).overrideLogicalId('ApiBaseUrl');
    // The key's secret is the ApiKeySecretArn parameter itself: an output would only echo it, under a hashed name.
    gateway.node.tryRemoveChild('ApiKeySecretArn');
    this.templateOptions.metadata = { 'AWS::CloudFormation::Interface': consoleInterface(this) };
  }
}

/** The template's key settings: `apiKey` or `keysDocument`. */
type KeySourceProps = Pick<BedrockAccessGatewayProps, 'apiKey' | 'keysDocument'>;

/** The key, or the keys document, named by the template's parameters. */
function keySource(params: TemplateParameters): KeySourceProps {
  if (params.keysDocumentSecretArn) {
    return {
      keysDocument: KeysDocument.fromSecretArn(params.keysDocumentSecretArn.valueAsString, {
        keySecretsNamePrefix: params.keySecretsNamePrefix!.valueAsString,
      }),
    };
  }
  return {
    apiKey: params.apiKeySecretArn
      ? ApiKeySource.fromSecretArn(params.apiKeySecretArn.valueAsString)
      : ApiKeySource.fromSsmParameterName(params.apiKeyParameterName!.valueAsString),
  };
}

/** The gateway behind a load balancer whose scheme, client range and certificate come from the parameters. */
function loadBalancerGateway(stack: Stack, variant: TemplateVariant, params: TemplateParameters, keys: KeySourceProps): BedrockAccessGateway {
  const gateway = new BedrockAccessGateway(stack, 'Gateway', {
    ...network(stack, variant, params),
    compute: variant.compute === 'lambda'
      ? GatewayCompute.lambda()
      : GatewayCompute.fargate({ image: ecs.ContainerImage.fromRegistry(params.containerImageUri!.valueAsString) }),
    ...keys,
    defaultModel: params.defaultModel.valueAsString,
    defaultEmbeddingModel: params.defaultEmbeddingModel.valueAsString,
    ingressPeers: [ec2.Peer.ipv4(params.allowedIngressCidr!.valueAsString)],
    // Built with a certificate, which is then left to the parameter.
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', params.certificateArn!.valueAsString),
  });

  if (params.loadBalancerScheme) {
    // An internal load balancer may sit in public subnets too: it then gets private addresses only.
    (gateway.loadBalancer!.node.defaultChild as elbv2.CfnLoadBalancer).scheme = params.loadBalancerScheme.valueAsString;
  }
  if (gateway.service) allowPullFromAccountRepositories(gateway.service);
  if (params.assignPublicIp) {
    const service = gateway.service!.node.defaultChild as ecs.CfnService;
    service.addPropertyOverride('NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp', params.assignPublicIp.valueAsString);
  }
  const hasCertificate = makeCertificateOptional(stack, params.certificateArn!, {
    loadBalancer: gateway.loadBalancer!,
    listener: gateway.listener!,
    securityGroup: gateway.loadBalancerSecurityGroup!,
  });

  // The gateway's output names the HTTPS URL it was built with; plain HTTP when no certificate is given.
  const apiBaseUrl = gateway.node.findChild('ApiBaseUrl') as CfnOutput;
  apiBaseUrl.value = Fn.conditionIf(hasCertificate.logicalId, gateway.apiBaseUrl, gateway.apiBaseUrl.replace(/^https:/, 'http:')).toString();
  return gateway;
}

/**
 * A new VPC (the construct's default; built internet-facing, the scheme is then left to the parameter), a new
 * private VPC with VPC endpoints behind an internal load balancer, or the existing VPC and subnets from the parameters.
 */
function network(scope: Construct, variant: TemplateVariant, params: TemplateParameters): BedrockAccessGatewayProps {
  if (variant.network === 'private-vpc') return { internetFacing: false, vpcEndpoints: GatewayVpcEndpoints.create() };
  if (!params.vpcId) return { internetFacing: true };
  new CfnRule(scope, 'SubnetsInVpc', {
    assertions: [{
      assert: Fn.conditionEachMemberEquals(Fn.valueOfAll('AWS::EC2::Subnet::Id', 'VpcId'), params.vpcId.valueAsString),
      assertDescription: 'All load balancer and task subnets must belong to the chosen VPC.',
    }],
  });
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'ExistingVpc', {
    vpcId: params.vpcId.valueAsString,
    availabilityZones: Fn.getAzs(),
    publicSubnetIds: params.loadBalancerSubnetIds!.valueAsList,
    privateSubnetIds: params.computeSubnetIds?.valueAsList,
  });
  return {
    vpc,
    internetFacing: true,
    loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    computeSubnets: params.computeSubnetIds ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : undefined,
  };
}
