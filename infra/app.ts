import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TradewatchStack } from './tradewatch-stack.ts';

// CloudFormation validation makes synth take seconds; CI turns it on for one full synth.
const app = new App({ builtinCloudFormationValidation: process.env.TRADEWATCH_VALIDATE === '1' });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new TradewatchStack(app, 'Tradewatch', { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } });
