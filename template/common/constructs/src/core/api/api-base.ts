import { CfnOutput, Lazy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RuntimeConfig } from '../runtime-config';
import type { AuthType } from './auth';
import { ALLOWED_ORIGINS_ENV, checkOrigins } from './cors';

/** What the render of an API fixed, passed by its construct class to the base class. */
export interface ApiDefinition<TAuth extends AuthType> {
  /** The API's construct class name: its key in the runtime config and its AWS name. */
  readonly apiName: string;
  /** Who may call the API. */
  readonly auth: TAuth;
}

/** What every API construct takes, whatever serves it. */
export interface ApiOptions {
  /**
   * The origins whose pages may call the API from a browser, exactly as browsers send them
   * (`https://app.example.com`: scheme, host and port). Applies to the CORS answers given before
   * a request reaches the app and to the app's own responses (`ALLOWED_ORIGINS` on every
   * function); `restrictCorsTo` replaces them.
   * @default - none: no cross-origin access (same-origin and non-browser callers are unaffected)
   */
  readonly allowedOrigins?: readonly string[];
}

/**
 * What every API construct shares, whatever serves it: who may call it, the origins browsers may
 * call it from, and a base URL that is output and registered in the stack's
 * {@link RuntimeConfig}.
 */
export abstract class ApiBase<TAuth extends AuthType = AuthType> extends Construct {
  /** Who may call the API, chosen when it was rendered. */
  public readonly authType: TAuth;
  private allowedOrigins: readonly string[];

  protected constructor(
    scope: Construct,
    id: string,
    definition: ApiDefinition<TAuth>,
    options: ApiOptions,
  ) {
    super(scope, id);
    this.authType = definition.auth;
    this.allowedOrigins = checkOrigins(this, options.allowedOrigins ?? []);
  }

  /**
   * Allows browsers from these origins only, in place of `allowedOrigins`: the CORS answers given
   * before a request reaches the app (preflight, and a REST API's own errors) and the
   * `ALLOWED_ORIGINS` of every function, which the app's own responses follow.
   */
  public restrictCorsTo(...origins: string[]): void {
    this.allowedOrigins = checkOrigins(this, origins);
  }

  /**
   * Lets `grantee` call the API with SigV4-signed requests. Only APIs rendered with IAM auth have
   * callers to grant: on the others, this does not compile.
   */
  public grantInvokeAccess(this: ApiBase<'IAM'>, grantee: iam.IGrantable): iam.Grant {
    if ((this.authType as AuthType) !== 'IAM') {
      throw new Error(
        `${this.node.path} uses ${this.authType} auth: there is no IAM access to grant.`,
      );
    }
    return this.grantInvoke(grantee);
  }

  /** Grants `grantee` what a SigV4-signed call of every operation needs (IAM auth). */
  protected abstract grantInvoke(grantee: iam.IGrantable): iam.Grant;

  /** The allowed origins, read at synth: `restrictCorsTo` may come after construction. */
  protected get corsOrigins(): readonly string[] {
    return this.allowedOrigins;
  }

  /**
   * The allowed origins as a list token for a CORS configuration, resolved at synth; with none,
   * the configuration names no origin at all (an empty list is invalid for some).
   */
  protected corsOriginsToken(): string[] {
    return Lazy.list({ produce: () => [...this.allowedOrigins] }, { omitEmpty: true });
  }

  /**
   * Sets `ALLOWED_ORIGINS` on the functions serving the API (each sets CORS headers on its own
   * responses), resolved at synth; empty when no origin is allowed.
   */
  protected shareOrigins(handlers: readonly lambda.Function[]): void {
    const origins = Lazy.string({ produce: () => this.allowedOrigins.join(',') });
    for (const handler of handlers) {
      handler.addEnvironment(ALLOWED_ORIGINS_ENV, origins);
    }
  }

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
