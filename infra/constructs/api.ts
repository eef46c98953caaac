import { Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat, EndpointType, LambdaIntegration, LogGroupLogDestination, MethodLoggingLevel, RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { RouteTable } from '../../shared/http/route.js';

export interface ApiProps {
  tables: readonly RouteTable[];
  /** The function serving each context's routes. */
  functions: Readonly<Record<string, IFunction>>;
  /** The stage name; the routes themselves carry the API version (/v1/...). */
  stageName: string;
  /** A WAF web ACL on the stage (the stage setting `waf`); true when absent. */
  waf?: boolean;
  /** Requests per five minutes per client IP before WAF blocks it. */
  rateLimitPerFiveMinutes?: number;
  /**
   * Tighter per-IP limits for expensive public routes (paths from the route tables): an outer
   * bound above the function's own per-client limit, for floods that should not reach it at all.
   * One rule per entry (each rule is billed): `path` is matched at the URI's end, or anywhere in
   * it with `match: 'CONTAINS'` (a path parameter after it); several `paths` count together.
   */
  pathRateLimits?: readonly PathRateLimit[];
}

export type PathRateLimit = { limitPerFiveMinutes: number } & (
  | { path: string; match?: 'ENDS_WITH' | 'CONTAINS' }
  | { paths: readonly { path: string; match?: 'ENDS_WITH' | 'CONTAINS' }[] }
);

function pathMatch({ path, match }: { path: string; match?: 'ENDS_WITH' | 'CONTAINS' }): CfnWebACL.StatementProperty {
  return { byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: match ?? 'ENDS_WITH', searchString: path, textTransformations: [{ priority: 0, type: 'NONE' }] } };
}

/**
 * The REST API, built from the route tables: one resource path and method per route, proxied to
 * its context's function, or one greedy resource for a table that asks for it (the pages).
 * Nothing here names a route by hand.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  /** The stage's access log: one JSON line per answer, with its status and route (resourcePath). */
  readonly accessLogs: LogGroup;
  /** The stage's web ACL; none when the stage turns WAF off. */
  readonly webAcl?: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.accessLogs = accessLogs;
    this.restApi = new RestApi(this, 'RestApi', {
      // The stage in the name: the API's CloudWatch metrics are per name, and stages share an account.
      restApiName: `tte-${props.stageName}`,
      description: `TTE service API (${props.stageName})`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Every body reaches the functions as base64 and base64 replies go out as bytes, whatever
      // the client's Accept header (OCSP and CRL clients send */* or nothing).
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false, user: false, ip: true, httpMethod: true, protocol: true, requestTime: true,
          resourcePath: true, responseLength: true, status: true,
        }),
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
      },
    });
    // Required path parameters are checked at the edge; bodies are validated (strictly, with field
    // errors in problem+json) by the function from the route table's schema.
    const validator = this.restApi.addRequestValidator('RequestValidator', { validateRequestParameters: true, validateRequestBody: true });

    const integrations = new Map<string, LambdaIntegration>();
    for (const table of props.tables) {
      const fn = props.functions[table.context];
      if (!fn) throw new Error(`No function for the ${table.context} routes`);
      // One invoke permission per function for this API (not one per method): a stack holds at most
      // 500 resources, and 140 routes would spend that many on permissions alone.
      const integration = integrations.get(table.context) ?? new LambdaIntegration(fn, { scopePermissionToMethod: false });
      integrations.set(table.context, integration);
      if (table.gatewayProxy) {
        // The whole prefix to the function, whose router matches the path (see RouteTable).
        const prefix = this.restApi.root.resourceForPath(table.gatewayProxy);
        prefix.addMethod('ANY', integration, { requestValidator: validator });
        prefix.addResource('{proxy+}').addMethod('ANY', integration, {
          requestValidator: validator,
          requestParameters: { 'method.request.path.proxy': true },
        });
        continue;
      }
      for (const spec of Object.values(table.routes)) {
        const resource = this.restApi.root.resourceForPath(spec.path);
        const pathParameters = [...spec.path.matchAll(/\{(\w+)\}/g)].map((match) => `method.request.path.${match[1]}`);
        resource.addMethod(spec.method, integration, {
          requestValidator: validator,
          requestParameters: Object.fromEntries(pathParameters.map((name) => [name, true])),
        });
      }
    }

    if (props.waf !== false) this.webAcl = this.makeWebAcl(props);
    else {
      NagSuppressions.addResourceSuppressions(this.restApi.deploymentStage, [{
        id: 'AwsSolutions-APIG3',
        reason: 'This stage turns WAF off (stage setting waf=false, to save its $5 a month plus rules where the public does not reach it): the functions\' own per-client limits and the stage throttle remain; docs/security.md §4.2 says what is lost.',
      }]);
    }

    const stack = Stack.of(this);
    NagSuppressions.addResourceSuppressions(this.restApi, [
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Authorization is enforced in each function from the route table: API keys (hashed, tenant- and role-scoped) and, for link pages, single-use link tokens in the path.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'The service authenticates its own users (password + TOTP) and API keys; there is no Cognito user pool by design.',
      },
    ], true);
    NagSuppressions.addResourceSuppressionsByPath(stack, `${this.restApi.node.path}/CloudWatchRole/Resource`, [{
      id: 'AwsSolutions-IAM4',
      reason: 'API Gateway account-level logging requires the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
    }]);
  }

  private makeWebAcl(props: ApiProps): CfnWebACL {
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `tte-${props.stageName}-api`, sampledRequestsEnabled: true },
      rules: [
        {
          name: 'common',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // Its body-size rule blocks any body over 8 KB: PDFs to sign or verify and photos'
              // CSVs are larger by nature. Each route bounds its own body (413), so it only counts.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `tte-${props.stageName}-api-common`, sampledRequestsEnabled: true },
        },
        {
          name: 'rate-per-ip',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimitPerFiveMinutes ?? 2000, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `tte-${props.stageName}-api-rate`, sampledRequestsEnabled: true },
        },
        ...(props.pathRateLimits ?? []).map((rule, index): CfnWebACL.RuleProperty => ({
          name: `rate-per-ip-path-${index + 1}`,
          priority: 2 + index,
          // 429, as the function answers its own limit (WAF would say 403).
          action: { block: { customResponse: { responseCode: 429 } } },
          statement: {
            rateBasedStatement: {
              limit: rule.limitPerFiveMinutes,
              aggregateKeyType: 'IP',
              // The stage name comes first in the URI WAF sees: the path is matched at its end (or anywhere).
              scopeDownStatement: 'paths' in rule
                ? { orStatement: { statements: rule.paths.map(pathMatch) } }
                : pathMatch(rule),
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `tte-${props.stageName}-api-rate-path-${index + 1}`, sampledRequestsEnabled: true },
        })),
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }
}
