import { CfnOutput, Lazy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RuntimeConfig } from '../runtime-config';
import { ALLOWED_ORIGINS_ENV, ANY_ORIGIN, checkOrigins } from './cors';

/**
 * What every API construct shares, whatever serves it: the origins browsers may call it from,
 * and a base URL that is output and registered in the stack's {@link RuntimeConfig}.
 */
export abstract class ApiBase extends Construct {
  private allowedOrigins: readonly string[] = [ANY_ORIGIN];

  /**
   * Allow browsers from these origins only (default: any origin): narrows the CORS answers given
   * before a request reaches the app (preflight, and a REST API's own errors), and sets
   * `ALLOWED_ORIGINS` on every function so the app's own responses match.
   */
  public restrictCorsTo(...origins: string[]): void {
    this.allowedOrigins = checkOrigins(this, origins);
    for (const handler of this.handlers()) {
      handler.addEnvironment(ALLOWED_ORIGINS_ENV, this.allowedOrigins.join(','));
    }
  }

  /** The origins allowed so far; read them at synth, since `restrictCorsTo` may come later. */
  protected get corsOrigins(): readonly string[] {
    return this.allowedOrigins;
  }

  /** The allowed origins as a list token, resolved at synth: for a CORS configuration. */
  protected corsOriginsToken(): string[] {
    return Lazy.list({ produce: () => [...this.allowedOrigins] });
  }

  /** The functions serving the API (each sets CORS headers on its own responses). */
  protected abstract handlers(): readonly lambda.Function[];

  /**
   * Outputs the API's base URL (output `Url`) and registers it as `apiName` in the stack's
   * runtime config; returns it, for the subclass's `url`.
   */
  protected publishUrl(apiName: string, url: string): string {
    new CfnOutput(this, 'Url', { value: url, description: `${apiName} base URL` });
    RuntimeConfig.ensure(this).registerApi(apiName, url);
    return url;
  }
}
