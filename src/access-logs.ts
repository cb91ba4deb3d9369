import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeAccessLogBucket } from './nag';
import { propError } from './validation';

/** Settings of the bucket the gateway creates for its load balancer's access logs. */
export interface AccessLogBucketOptions {
  /**
   * How long access logs are kept before S3 deletes them.
   * @default Duration.days(90)
   */
  readonly expiration?: Duration;
}

/**
 * Where the load balancer writes its access logs (one line per request: time, client IP, path, status,
 * latency; never headers or bodies, so never the API key or prompts).
 */
export abstract class GatewayAccessLogs {
  /**
   * A new bucket: S3-managed encryption (the only kind load balancer logs support), SSL-only access,
   * public access blocked, objects owned by the bucket owner, versioned, logs deleted after `expiration`.
   * The bucket is retained when the stack is deleted.
   *
   * @param options bucket settings
   */
  public static toNewBucket(options: AccessLogBucketOptions = {}): GatewayAccessLogs {
    return new NewBucketLogs(options);
  }

  /**
   * An existing bucket in the load balancer's region, encrypted with S3-managed keys; the construct adds the
   * bucket policy statement that lets Elastic Load Balancing write to it (to a bucket defined in the same app).
   *
   * @param bucket the bucket
   * @param prefix key prefix of the log objects; default: none
   */
  public static toBucket(bucket: s3.IBucket, prefix?: string): GatewayAccessLogs {
    return new GivenBucketLogs(bucket, prefix);
  }

  /**
   * Turns on the load balancer's access logs.
   * @internal
   */
  public abstract _bind(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer): void;
}

class NewBucketLogs extends GatewayAccessLogs {
  constructor(private readonly options: AccessLogBucketOptions) {
    super();
  }

  public _bind(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer): void {
    checkRegion(loadBalancer);
    const bucket = new s3.Bucket(scope, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versions keep a deleted or overwritten log recoverable for a day; expiration deletes them all in the end.
      versioned: true,
      lifecycleRules: [{
        expiration: this.options.expiration ?? Duration.days(90),
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeAccessLogBucket(bucket);
    loadBalancer.logAccessLogs(bucket);
  }
}

class GivenBucketLogs extends GatewayAccessLogs {
  constructor(private readonly given: s3.IBucket, private readonly prefix?: string) {
    super();
  }

  public _bind(_scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer): void {
    checkRegion(loadBalancer);
    loadBalancer.logAccessLogs(this.given, this.prefix);
  }
}

/** The bucket policy names Elastic Load Balancing's account or service principal of the region, so the region must be known. */
function checkRegion(loadBalancer: elbv2.ApplicationLoadBalancer): void {
  if (Token.isUnresolved(loadBalancer.env.region)) {
    throw propError('accessLogs', 'the bucket policy for load balancer logs depends on the region, and the stack has none at synth time',
      'a region-agnostic stack', 'give the stack an environment with a region (new Stack(app, id, { env: { region } }))');
  }
}
