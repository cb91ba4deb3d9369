/** Where one template lives once published, and the console link that launches it. */
export interface PublishedTemplate {
  readonly template: string;
  readonly region: string;
  /** HTTPS URL of the template object in the regional bucket. */
  readonly templateUrl: string;
  /** The console's "Launch Stack" link for that template and region. */
  readonly launchUrl: string;
}

/** Stack name the console form is pre-filled with. */
export const DEFAULT_STACK_NAME = 'bedrock-access-gateway';

/** Virtual-hosted-style HTTPS URL of an S3 object, as CloudFormation's templateURL expects it. */
export function s3ObjectUrl(bucket: string, region: string, key: string): string {
  return `https://${bucket}.s3.${region}.amazonaws.com/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The console's quick-create link:
 * `https://<region>.console.aws.amazon.com/cloudformation/home?region=<region>#/stacks/create/review?templateURL=<url>&stackName=<name>`
 */
export function launchStackUrl(region: string, templateUrl: string, stackName: string = DEFAULT_STACK_NAME): string {
  const query = new URLSearchParams({ templateURL: templateUrl, stackName });
  return `https://${region}.console.aws.amazon.com/cloudformation/home?region=${region}#/stacks/create/review?${query}`;
}
