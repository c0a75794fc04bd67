import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * Version of the AWS Lambda Web Adapter layers, which AWS publishes for each architecture at the
 * same version, in every commercial region, under one account; see the adapter's README for
 * newer versions.
 */
export const WEB_ADAPTER_LAYER_VERSION = 30;

/** Port the app listens on inside the function; the adapter forwards requests to it. */
export const WEB_ADAPTER_APP_PORT = '8080';

/** The AWS account that publishes the adapter's layers. */
const WEB_ADAPTER_PUBLISHER = '753240598075';

/** The adapter's layer for each function architecture, by `Architecture.name`. */
const WEB_ADAPTER_LAYERS: Readonly<Record<string, string>> = {
  [lambda.Architecture.X86_64.name]: 'LambdaAdapterLayerX86',
  [lambda.Architecture.ARM_64.name]: 'LambdaAdapterLayerArm64',
};

/**
 * Function props that run an API's bundle behind the AWS Lambda Web Adapter, which streams
 * responses: Python's managed runtime cannot, so the adapter (a layer, started by
 * `AWS_LAMBDA_EXEC_WRAPPER`) runs the bundle's `run.sh`, which serves the app with uvicorn on
 * 127.0.0.1, and forwards each invocation to it. That costs a process start at cold start and a
 * loopback hop per call, so only what streams runs this way.
 *
 * The handler becomes `run.sh`; the layer of the function's architecture (`props.architecture`,
 * x86_64 by default) goes before `props.layers`; the adapter's environment goes under
 * `props.environment`, whose values win. `id` is the function's: the layer is imported beside
 * it as `<id>WebAdapter`.
 */
export function webAdapterProps(
  scope: Construct,
  id: string,
  props: Omit<lambda.FunctionProps, 'handler'>,
): lambda.FunctionProps {
  const architecture = props.architecture ?? lambda.Architecture.X86_64;
  const layerName = WEB_ADAPTER_LAYERS[architecture.name];
  if (layerName === undefined) {
    throw new Error(
      `${scope.node.path}/${id}: the Lambda Web Adapter has no layer for the ` +
        `${architecture.name} architecture; use x86_64 or arm64.`,
    );
  }
  const { partition, region } = Stack.of(scope);
  const layer = lambda.LayerVersion.fromLayerVersionArn(
    scope,
    `${id}WebAdapter`,
    `arn:${partition}:lambda:${region}:${WEB_ADAPTER_PUBLISHER}:layer:${layerName}:` +
      `${WEB_ADAPTER_LAYER_VERSION}`,
  );
  return {
    ...props,
    handler: 'run.sh',
    layers: [layer, ...(props.layers ?? [])],
    environment: {
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
      AWS_LWA_INVOKE_MODE: 'response_stream',
      // Ready once the port accepts connections: an HTTP check would GET / at every cold
      // start and be logged and counted as a client error.
      AWS_LWA_READINESS_CHECK_PROTOCOL: 'tcp',
      PORT: WEB_ADAPTER_APP_PORT,
      ...props.environment,
    },
  };
}
