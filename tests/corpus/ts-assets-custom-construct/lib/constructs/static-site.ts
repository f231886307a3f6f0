import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface StaticSiteProps {
  readonly sourceDir: string;
}

/** A bucket with the site's files uploaded by a BucketDeployment. */
export class StaticSite extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    new s3deploy.BucketDeployment(this, 'Upload', {
      sources: [s3deploy.Source.asset(path.join(__dirname, '..', '..', props.sourceDir))],
      destinationBucket: this.bucket,
    });
  }
}
