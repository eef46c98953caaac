/**
 * Shared helpers for the infra suite: one synthesis of the real app (bundling skipped), and small
 * readers over CloudFormation JSON (intrinsics flattened to strings, IAM statements per role, API
 * resource paths). Not a test file: each *.test.ts calls `synthesize()` once at module scope.
 */
import { App, Aspects, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { buildApp, buildStage, type BuiltStage } from '../../infra/app.js';
import { requestedStage, resolveStage, type StageSettingName, type StageSettings } from '../../infra/stage-config.js';

/** The "context" object of cdk.json: the same values `cdk synth` uses. */
export const cdkContext: Readonly<Record<string, unknown>> = (() => {
  const parsed: unknown = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  const context = (parsed as { context?: unknown }).context;
  if (typeof context !== 'object' || context === null) throw new Error('cdk.json has no "context" object');
  return context as Record<string, unknown>;
})();

/** The stage `synthesize()` builds (cdk.json's default: no -c stage) and its resolved settings. */
export const testStage = requestedStage((key) => cdkContext[key]);
export const stageSettingsOf = (stage: string): StageSettings => resolveStage((key) => cdkContext[key], stage).settings;
export const testStageSettings: StageSettings = stageSettingsOf(testStage);

/** A setting of the synthesized stage ("tte:defaults" + its "tte:stages" block), by its `tte:` name. */
function setting(name: string): unknown {
  const key = name.replace(/^tte:/, '') as StageSettingName;
  if (!(key in testStageSettings)) throw new Error(`no stage setting "${name}"`);
  return testStageSettings[key];
}

export function contextString(name: string): string {
  const value = setting(name);
  if (typeof value !== 'string') throw new Error(`stage setting "${name}" is not a string`);
  return value;
}

export function contextNumber(name: string): number {
  const value = Number(setting(name));
  if (!Number.isFinite(value)) throw new Error(`stage setting "${name}" is not a number`);
  return value;
}

export type Synthesized = ReturnType<typeof buildApp> & { statefulTemplate: Template; serviceTemplate: Template };

/**
 * Builds the app exactly as cdk.json does, but with asset bundling skipped for every stack
 * (`aws:cdk:bundling-stacks: []`): NodejsFunction then stages a placeholder asset (a custom hash
 * of its construct path, the source directory as-is) instead of running esbuild.
 */
export function synthesize(): Synthesized {
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const built = buildApp(app);
  return {
    ...built,
    statefulTemplate: Template.fromStack(built.stateful),
    serviceTemplate: Template.fromStack(built.service),
  };
}

export type SynthesizedStage = BuiltStage & { statefulTemplate: Template; serviceTemplate: Template };

/**
 * Several stages side by side in one app (as one account would hold them), cdk-nag on all,
 * bundling skipped as in `synthesize()`.
 */
export function synthesizeStages(stages: readonly string[]): Map<string, SynthesizedStage> {
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  const built = stages.map((stage) => buildStage(app, stage));
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return new Map(built.map((stage) => [stage.stage, {
    ...stage,
    statefulTemplate: Template.fromStack(stage.stateful),
    serviceTemplate: Template.fromStack(stage.service),
  }]));
}

/** The logical id a construct's L1 resource gets in its stack's template. */
export function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as CfnElement | undefined;
  if (!child) throw new Error('construct has no default child');
  return stack.getLogicalId(child);
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}

export function resourcesOf(template: Template, type: string): [string, CfnResource][] {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>);
}

export function resourceById(template: Template, logicalId: string): CfnResource {
  const resources = (template.toJSON() as { Resources?: Record<string, CfnResource> }).Resources ?? {};
  const resource = resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource;
}

export function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A CloudFormation value rendered as one string, intrinsics made readable:
 * Ref → <Id>, GetAtt → <Id.Attr>, ImportValue → <import:Name>, Join joined, anything else JSON.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isRecord(value)) {
    if (typeof value.Ref === 'string') return `<${value.Ref}>`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(flatten).join('.')}>`;
    const importValue = value['Fn::ImportValue'];
    if (importValue !== undefined) return `<import:${flatten(importValue)}>`;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return join[1].map(flatten).join(join[0]);
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') return sub;
  }
  return JSON.stringify(value);
}

/** The literal text of a (possibly Fn::Join'ed) string, each non-string token replaced by `placeholder`. */
export function joinLiteral(value: unknown, placeholder: string): string {
  if (typeof value === 'string') return value;
  if (isRecord(value)) {
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part: unknown) => (typeof part === 'string' ? part : placeholder)).join(join[0]);
    }
  }
  throw new Error(`not a string or Fn::Join: ${JSON.stringify(value)}`);
}

export const asArray = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...value] as T[] : [value as T]);

// ---- IAM ----

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

interface PolicyDocument { Statement?: PolicyStatement | PolicyStatement[] }

const refersTo = (roles: unknown, roleId: string) => asArray(roles as unknown[]).some((role) => isRecord(role) && role.Ref === roleId);

/** Every statement that applies to a role: inline policies, AWS::IAM::Policy and customer managed policies. */
export function roleStatements(template: Template, roleId: string): PolicyStatement[] {
  const role = resourceById(template, roleId);
  const documents: PolicyDocument[] = [];
  for (const inline of asArray(props(role).Policies as { PolicyDocument: PolicyDocument }[] | undefined)) documents.push(inline.PolicyDocument);
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [, policy] of resourcesOf(template, type)) {
      if (refersTo(props(policy).Roles, roleId)) documents.push(props(policy).PolicyDocument as PolicyDocument);
    }
  }
  return documents.flatMap((document) => asArray(document.Statement));
}

/** IAM action patterns are case-insensitive globs (`*`, `?`). */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

export const actionsOf = (statement: PolicyStatement): string[] => asArray(statement.Action);

/** The Allow statements that grant `action` (by exact name or by a wildcard pattern). */
export function grantsOf(statements: readonly PolicyStatement[], action: string): PolicyStatement[] {
  return statements.filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).some((pattern) => actionMatches(pattern, action)));
}

export const resourcesText = (statement: PolicyStatement): string[] => asArray(statement.Resource as unknown[]).map(flatten);

// ---- Lambda ----

export interface FunctionInfo {
  logicalId: string;
  resource: CfnResource;
  environment: Record<string, unknown>;
  roleId: string;
}

/**
 * The functions of the service stack keyed by their bounded context, read from the template
 * (ServiceFunction names each function's context in POWERTOOLS_SERVICE_NAME).
 */
export function functionsByContext(template: Template): Map<string, FunctionInfo[]> {
  const byContext = new Map<string, FunctionInfo[]>();
  for (const [logicalId, resource] of resourcesOf(template, 'AWS::Lambda::Function')) {
    const environment = ((props(resource).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
    const role = props(resource).Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const roleId = role?.['Fn::GetAtt']?.[0];
    if (!roleId) throw new Error(`${logicalId} has no role of this stack`);
    const context = String(environment.POWERTOOLS_SERVICE_NAME ?? `(none: ${logicalId})`);
    byContext.set(context, [...(byContext.get(context) ?? []), { logicalId, resource, environment, roleId }]);
  }
  return byContext;
}

// ---- API Gateway ----

/** Each AWS::ApiGateway::Resource's full path, walked up PathPart/ParentId to the API root. */
export function apiResourcePaths(template: Template): Map<string, string> {
  const resources = new Map(resourcesOf(template, 'AWS::ApiGateway::Resource'));
  const paths = new Map<string, string>();
  const pathOf = (logicalId: string, seen: Set<string>): string => {
    const known = paths.get(logicalId);
    if (known !== undefined) return known;
    const resource = resources.get(logicalId);
    if (!resource) throw new Error(`unknown API resource ${logicalId}`);
    if (seen.has(logicalId)) throw new Error(`API resource cycle at ${logicalId}`);
    seen.add(logicalId);
    const parent = props(resource).ParentId;
    const parentPath = isRecord(parent) && typeof parent.Ref === 'string' ? pathOf(parent.Ref, seen) : '';
    if (parentPath === '' && !(isRecord(parent) && Array.isArray(parent['Fn::GetAtt']) && parent['Fn::GetAtt'][1] === 'RootResourceId')) {
      throw new Error(`API resource ${logicalId} has an unexpected parent ${JSON.stringify(parent)}`);
    }
    const path = `${parentPath}/${String(props(resource).PathPart)}`;
    paths.set(logicalId, path);
    return path;
  };
  for (const logicalId of resources.keys()) pathOf(logicalId, new Set());
  return paths;
}

/** A method's path: its ResourceId is a Ref to a resource, or the root's GetAtt RootResourceId ('/'). */
export function methodPath(method: CfnResource, paths: ReadonlyMap<string, string>): string {
  const resourceId = props(method).ResourceId;
  if (isRecord(resourceId) && typeof resourceId.Ref === 'string') {
    const path = paths.get(resourceId.Ref);
    if (path === undefined) throw new Error(`method on unknown resource ${resourceId.Ref}`);
    return path;
  }
  if (isRecord(resourceId) && Array.isArray(resourceId['Fn::GetAtt']) && resourceId['Fn::GetAtt'][1] === 'RootResourceId') return '/';
  throw new Error(`method with unexpected ResourceId ${JSON.stringify(resourceId)}`);
}

// ---- cdk-nag ----

export interface NagFinding { level: 'error' | 'warning'; path: string; message: string }

/** AwsSolutions errors and warnings cdk-nag left on a stack (unsuppressed findings only). */
export function nagFindings(stack: Stack): NagFinding[] {
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp('AwsSolutions-.*');
  const toFinding = (level: NagFinding['level']) => (message: { id: string; entry: { data?: unknown } }): NagFinding => ({
    level,
    path: message.id,
    // "AwsSolutions-XXX[finding]: explanation. More…": the rule, the finding and the explanation's first sentence.
    message: /^[^\n]*?\.(?=\s|$)|^[^\n]*/.exec(String(message.entry.data))?.[0] ?? '',
  });
  return [
    ...annotations.findError('*', pattern).map(toFinding('error')),
    ...annotations.findWarning('*', pattern).map(toFinding('warning')),
  ];
}

export const formatFindings = (findings: readonly NagFinding[]): string =>
  findings.length === 0 ? 'no findings' : `cdk-nag findings to fix or suppress with a reason:\n${findings.map((f) => `  [${f.level}] ${f.path}: ${f.message}`).join('\n')}`;
