/**
 * `npx cdk deploy`: the stack from tradewatch.config.json (or the file named by TRADEWATCH_CONFIG or
 * `-c config=<file>`), with cdk-nag's AWS Solutions checks on every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../functions/config/config.ts';
import { describeError } from '../functions/core/errors.ts';
import { stackPropsFromConfig } from './stack-props.ts';
import { TradewatchStack } from './tradewatch-stack.ts';

// CloudFormation validation makes synth take seconds; CI turns it on for one full synth.
const app = new App({ builtinCloudFormationValidation: process.env.TRADEWATCH_VALIDATE === '1' });
let props;
try {
  props = stackPropsFromConfig(
    loadConfig((app.node.tryGetContext('config') as string | undefined) ?? process.env.TRADEWATCH_CONFIG),
  );
} catch (error) {
  console.error(`tradewatch: ${describeError(error)}`);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new TradewatchStack(app, 'Tradewatch', {
  ...props,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
