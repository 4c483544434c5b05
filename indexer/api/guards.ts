/**
 * The API's abuse limits as a yoga plugin and a resolver wrapper: the query limits (limits.ts,
 * introspection included), a request body cap (413 BODY_TOO_LARGE, checked before parsing), a
 * response cap (RESPONSE_TOO_LARGE) and an execution deadline checked before every resolver
 * (QUERY_TIMEOUT).
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from './context.js';
import { errorBody, json } from './http.js';
import { noIntrospectionRule, queryLimitsRule, type QueryLimits } from './limits.js';

export interface Guards {
  limits: QueryLimits;
  introspection: boolean;
  maxBodyBytes: number;
  maxResponseBytes: number;
}

/** Whether a request's body is longer than `max` bytes: its Content-Length, else counted from a copy. */
async function bodyTooLarge(request: Request, max: number): Promise<boolean> {
  const declared = request.headers.get('content-length');
  if (declared !== null) return Number(declared) > max;
  if (!request.body) return false;
  const reader = request.clone().body!.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    size += value.byteLength;
    if (size > max) {
      // A tee'd branch's cancel settles only once the other branch is cancelled too: don't wait.
      reader.cancel().catch(() => undefined);
      return true;
    }
  }
}

/** The plugin that refuses large bodies, over-limit queries and large results. */
export function guardsPlugin(g: Guards): Plugin {
  return {
    async onRequest({ request, endResponse }) {
      if (request.method !== 'POST' || !(await bodyTooLarge(request, g.maxBodyBytes))) return;
      endResponse(json(413, errorBody('BODY_TOO_LARGE', `the request body is larger than ${g.maxBodyBytes} bytes`)));
    },
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(g.limits));
      if (!g.introspection) addValidationRule(noIntrospectionRule);
    },
    onResultProcess({ result, setResult }) {
      // Streams (SSE) are sent event by event; a single result is measured whole.
      if (Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      if (JSON.stringify(result).length > g.maxResponseBytes)
        setResult(
          errorBody(
            'RESPONSE_TOO_LARGE',
            `the result is larger than ${g.maxResponseBytes} bytes: ask for fewer fields or smaller pages`,
          ) as never,
        );
    },
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** `fn` wrapped so that it does not start after `ctx.deadline`. */
function beforeDeadline(fn: (...a: unknown[]) => unknown) {
  return (parent: unknown, args: unknown, ctx: ApiContext, info: unknown): unknown => {
    if (ctx.clock() > ctx.deadline)
      throw new GraphQLError('the query took too long and was stopped', { extensions: { code: 'QUERY_TIMEOUT' } });
    return fn(parent, args, ctx, info);
  };
}

/** Wraps every query resolver so that none starts after `ctx.deadline` (scalars and subscriptions as they are). */
export function withDeadline<T extends object>(map: T): T {
  const out: Record<string, unknown> = {};
  for (const [type, fields] of Object.entries(map)) {
    out[type] =
      type === 'Subscription' || !isPlainObject(fields)
        ? fields
        : Object.fromEntries(
            Object.entries(fields).map(([name, fn]) => [
              name,
              typeof fn === 'function' ? beforeDeadline(fn as (...a: unknown[]) => unknown) : fn,
            ]),
          );
  }
  return out as T;
}
