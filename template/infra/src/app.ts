import * as path from 'node:path';
import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** The constructs package, whose `aws-cdk-lib` must be the app's own. */
const CONSTRUCTS = path.join(__dirname, '..', '..', 'common', 'constructs');

/**
 * The CDK app, with cdk-nag's AWS Solutions checks: synth fails on any error they report that is
 * not acknowledged (`Validations.of(construct).acknowledge`) with a reason.
 */
export function createApp(props?: AppProps): App {
  requireOneCdkLib();
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/**
 * Where to deploy: the account and region the CDK CLI found in your AWS credentials and
 * configuration (`CDK_DEFAULT_ACCOUNT`, `CDK_DEFAULT_REGION`), or else nowhere in particular. A
 * stack without them is environment-agnostic: it synthesizes offline and deploys to the account
 * and region `cdk deploy` runs with. The CLI sets a region even without any configuration
 * (us-east-1), so a region alone does not pin the stack.
 */
export function environment(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  return account && region ? { account, region } : undefined;
}

/**
 * Two copies of aws-cdk-lib (one for the app, one for the constructs) make every construct of
 * one a stranger to the other, and synth fails far from the cause: say so up front.
 */
function requireOneCdkLib(): void {
  const app = require.resolve('aws-cdk-lib');
  const constructs = require.resolve('aws-cdk-lib', { paths: [CONSTRUCTS] });
  if (app !== constructs) {
    throw new Error(
      `The app loads aws-cdk-lib from ${app} but the constructs from ${constructs}: install ` +
        'once, in the npm workspace that holds both (see infra/README.md), and delete the other ' +
        'node_modules.',
    );
  }
}
