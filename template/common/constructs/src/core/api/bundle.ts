import * as fs from 'node:fs';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** An API's Lambda code: the bundle its `bundle` target writes, and what runs it. */
export interface ApiBundle {
  /** The bundle's folder (absolute). */
  readonly path: string;
  /** The API's Python module: the bundle's Lambda handler is `<module>.main.handler`. */
  readonly module: string;
  /** The Python runtime the bundle's wheels and bytecode were built for. */
  readonly runtime: lambda.Runtime;
  /**
   * The processor the bundle's wheels were built for: its functions run on it, and a function
   * behind the Lambda Web Adapter takes the adapter's layer for it.
   */
  readonly architecture: lambda.Architecture;
  /** The command that builds the bundle, for the error when it is missing. */
  readonly buildCommand: string;
}

/** The bundle as Lambda code, or a synth error that says how to build it. */
export function bundleCode(bundle: ApiBundle): lambda.Code {
  if (!fs.existsSync(bundle.path)) {
    throw new Error(
      `${bundle.path} not found: build the Lambda bundle first with \`${bundle.buildCommand}\` ` +
        "(or that target's command, in the API's project.json).",
    );
  }
  return lambda.Code.fromAsset(bundle.path);
}

/** What every function running the bundle has: its code, runtime and architecture. */
export function bundleProps(
  bundle: ApiBundle,
): Required<Pick<lambda.FunctionProps, 'code' | 'runtime' | 'architecture'>> {
  return { code: bundleCode(bundle), runtime: bundle.runtime, architecture: bundle.architecture };
}
