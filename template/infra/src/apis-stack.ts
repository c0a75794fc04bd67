import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ApiBase } from '../../common/constructs/src';

/** One module per API, each rendered with its API: the folder is the list of APIs. */
const API_MODULES = path.join(__dirname, 'apis');

/** What each module of `src/apis/` exports. */
interface ApiModule {
  /** Adds the API to `scope`, configured as the app deploys it. */
  readonly addApi: (scope: Construct) => ApiBase;
}

/**
 * One stack with every API of this folder, each added by its module in `src/apis/`, and what
 * they share: the runtime config of their URLs, and a Cognito user pool if one of them uses it.
 * A new API's render adds its module, and the next synth deploys it: no file lists the APIs.
 */
export class ApisStack extends Stack {
  /** Every API in the stack, in the order of their modules' file names. */
  public readonly apis: readonly ApiBase[];

  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.apis = apiModules().map((module) => module.addApi(this));
  }

  /** The stack's API of a construct class, e.g. `stack.api(MyApi).restrictCorsTo(...)`. */
  public api<TApi extends ApiBase>(type: abstract new (...args: never[]) => TApi): TApi {
    const api = this.apis.find((candidate): candidate is TApi => candidate instanceof type);
    if (api === undefined) {
      throw new Error(`${this.node.path} has no ${type.name}: its module is not in src/apis/.`);
    }
    return api;
  }
}

function apiModules(): ApiModule[] {
  const files = fs
    .readdirSync(API_MODULES)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts'))
    .sort();
  return files.map((file) => {
    const module: Partial<ApiModule> = require(path.join(API_MODULES, file));
    if (typeof module.addApi !== 'function') {
      throw new Error(`src/apis/${file} exports no addApi(scope) function.`);
    }
    return { addApi: module.addApi };
  });
}
