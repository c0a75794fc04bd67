import { Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/** What clients of a stack need at run time. */
export interface RuntimeConfigValues {
  /** Base URL of every API in the stack, by API construct class name (e.g. `MyApi`). */
  readonly apis: Readonly<Record<string, string>>;
}

/**
 * One per stack: every API registers its URL under `apis.<ApiClassName>`, so a website or a
 * test deployed with the stack reads all of them from one place (write `config` to a
 * `runtime-config.json` with a BucketDeployment, or to an SSM parameter).
 */
export class RuntimeConfig extends Construct {
  private static readonly ID = 'RuntimeConfig';

  /** The stack's runtime configuration, created on first use. */
  public static ensure(scope: IConstruct): RuntimeConfig {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(RuntimeConfig.ID);
    if (existing === undefined) {
      return new RuntimeConfig(stack, RuntimeConfig.ID);
    }
    if (!(existing instanceof RuntimeConfig)) {
      throw new Error(
        `${stack.node.path} already has a child named '${RuntimeConfig.ID}' that is not a ` +
          'RuntimeConfig; rename it so the APIs can register their URLs.',
      );
    }
    return existing;
  }

  private readonly apiUrls: Record<string, string> = {};

  /** The values registered so far; tokens (like API URLs) resolve at deploy time. */
  public readonly config: RuntimeConfigValues = { apis: this.apiUrls };

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Registers an API's base URL under `apis.<name>`; each name once per stack. */
  public registerApi(name: string, url: string): void {
    if (name in this.apiUrls) {
      throw new Error(
        `An API named '${name}' is already registered in stack ${Stack.of(this).stackName}: ` +
          'each API construct can be instantiated once per stack.',
      );
    }
    this.apiUrls[name] = url;
  }
}
