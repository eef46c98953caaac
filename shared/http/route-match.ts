import type { RouteTable } from './route.js';

/** A route as a path matcher: what API Gateway does with its resources, done in code. */
export interface CompiledRoute {
  method: string;
  /** The route's path template, which is API Gateway's resource path for it. */
  resource: string;
  context: string;
  pattern: RegExp;
  paramNames: string[];
  /** Literal segments win over parameters, as in API Gateway. */
  literalSegments: number;
}

export function compileRoutes(tables: readonly RouteTable[]): CompiledRoute[] {
  return tables.flatMap((table) => Object.values(table.routes).map((spec) => {
    const paramNames: string[] = [];
    const segments = spec.path.split('/').filter(Boolean);
    const pattern = segments.map((segment) => {
      const [, param, greedy] = /^\{(\w+)(\+?)\}$/.exec(segment) ?? [];
      if (param) {
        paramNames.push(param);
        // {name+} takes the rest of the path, as API Gateway's greedy parameter does.
        return greedy ? '/(.+)' : '/([^/]+)';
      }
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    }).join('');
    return {
      method: spec.method,
      resource: spec.path,
      context: table.context,
      pattern: new RegExp(`^${pattern || '/'}$`),
      paramNames,
      literalSegments: segments.length - paramNames.length,
    };
  })).sort((a, b) => b.literalSegments - a.literalSegments);
}

export type RouteMatch =
  | { route: CompiledRoute; pathParameters: Record<string, string> }
  | { miss: 'ROUTE_NOT_FOUND' | 'METHOD_NOT_ALLOWED' };

/**
 * The route for a method and a path, with its path parameters. `decode` turns a raw segment into
 * the parameter's value (a URL's path is still encoded; a path API Gateway already decoded is not).
 */
export function matchRoute(routes: readonly CompiledRoute[], method: string, path: string, decode: (segment: string) => string = safeDecode): RouteMatch {
  const onPath = routes.filter((route) => route.pattern.test(path));
  const route = onPath.find((candidate) => candidate.method === method);
  if (!route) return { miss: onPath.length > 0 ? 'METHOD_NOT_ALLOWED' : 'ROUTE_NOT_FOUND' };
  const match = route.pattern.exec(path)!;
  return { route, pathParameters: Object.fromEntries(route.paramNames.map((name, index) => [name, decode(match[index + 1]!)])) };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
