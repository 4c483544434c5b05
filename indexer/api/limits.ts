/**
 * Query limits as one validation rule: depth (nested fields), aliases and an estimated cost (every
 * field costs 1 times the page sizes of the lists above it; a list's page size is its `first`
 * literal, DEFAULT_PAGE when absent, MAX_PAGE when a variable). Introspection counts in every
 * limit: its fields are aliases, depth and cost like any other, a `__schema` or `__type` root costs
 * `introspectionCost` (a whole schema's worth of output), and only the nesting below such a root
 * may go deeper, to `maxIntrospectionDepth`, which GraphiQL's own introspection query needs.
 * Rejections carry QUERY_TOO_DEEP, TOO_MANY_ALIASES or QUERY_TOO_COSTLY; with introspection off,
 * `__schema` and `__type` are refused with INTROSPECTION_DISABLED.
 */
import {
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  type ASTVisitor,
  type GraphQLNamedType,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE, MAX_PAGE } from './pagination.js';

export interface QueryLimits {
  maxDepth: number;
  /** Depth allowed inside `__schema` / `__type` (GraphiQL's introspection query nests 13 levels). */
  maxIntrospectionDepth: number;
  maxAliases: number;
  maxCost: number;
  /** What one `__schema` or `__type` selection costs. */
  introspectionCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 8,
  maxIntrospectionDepth: 15,
  maxAliases: 20,
  maxCost: 10_000,
  introspectionCost: 2_000,
};

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/** Refuses `__schema` and `__type` (introspection turned off); `__typename` stays allowed. */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (INTROSPECTION_ROOTS.has(node.name.value)) {
      context.reportError(
        new GraphQLError('introspection is turned off on this server', {
          nodes: [node],
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      );
    }
  },
});

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

/** The validation rule enforcing `limits` on every operation of a document. */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(op) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const d of context.getDocument().definitions)
        if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
      const m: Measure = { depth: 0, aliases: 0, cost: 0 };
      let introspectionDepth = 0;
      const schema = context.getSchema();
      /** `inside`: the depth of the introspection root this selection set is under (0: none). */
      const walk = (
        set: SelectionSetNode,
        parent: GraphQLNamedType | undefined,
        depth: number,
        multiplier: number,
        seen: Set<string>,
        inside = 0,
      ): void => {
        // Stop early: a hostile query needs no full walk.
        if (
          m.depth > limits.maxDepth ||
          introspectionDepth > limits.maxIntrospectionDepth ||
          m.cost > limits.maxCost ||
          m.aliases > limits.maxAliases
        )
          return;
        for (const s of set.selections) {
          if (s.kind === Kind.FIELD) {
            if (s.alias) m.aliases++;
            const root = inside === 0 && INTROSPECTION_ROOTS.has(s.name.value) ? depth : inside;
            if (root) introspectionDepth = Math.max(introspectionDepth, depth);
            else m.depth = Math.max(m.depth, depth);
            m.cost += root === depth && inside === 0 ? multiplier * limits.introspectionCost : multiplier;
            if (root) {
              // Introspection types are the schema's own: their lists are bounded by the schema.
              if (s.selectionSet) walk(s.selectionSet, undefined, depth + 1, multiplier, seen, root);
              continue;
            }
            if (s.selectionSet) {
              const def = parent && isObjectType(parent) ? parent.getFields()[s.name.value] : undefined;
              const first = s.arguments?.find((a) => a.name.value === 'first');
              let size = 1;
              if (first)
                size =
                  first.value.kind === Kind.INT ? Math.max(1, Math.min(Number(first.value.value), MAX_PAGE)) : MAX_PAGE;
              else if (def?.args.some((a) => a.name === 'first')) size = DEFAULT_PAGE;
              walk(s.selectionSet, def && getNamedType(def.type), depth + 1, multiplier * size, seen);
            }
          } else if (s.kind === Kind.INLINE_FRAGMENT) {
            walk(
              s.selectionSet,
              s.typeCondition ? (schema.getType(s.typeCondition.name.value) ?? undefined) : parent,
              depth,
              multiplier,
              seen,
              inside,
            );
          } else {
            const name = s.name.value;
            const f = fragments.get(name);
            if (!f || seen.has(name)) continue; // unknown or cyclic: other rules report it
            walk(
              f.selectionSet,
              schema.getType(f.typeCondition.name.value) ?? undefined,
              depth,
              multiplier,
              new Set([...seen, name]),
              inside,
            );
          }
        }
      };
      const root =
        op.operation === 'query'
          ? schema.getQueryType()
          : op.operation === 'mutation'
            ? schema.getMutationType()
            : schema.getSubscriptionType();
      walk(op.selectionSet, root ?? undefined, 1, 1, new Set());
      const report = (code: string, message: string): void =>
        context.reportError(new GraphQLError(message, { nodes: [op], extensions: { code } }));
      if (m.depth > limits.maxDepth)
        report('QUERY_TOO_DEEP', `the query is nested deeper than ${limits.maxDepth} levels`);
      if (introspectionDepth > limits.maxIntrospectionDepth)
        report('QUERY_TOO_DEEP', `the introspection is nested deeper than ${limits.maxIntrospectionDepth} levels`);
      if (m.aliases > limits.maxAliases)
        report('TOO_MANY_ALIASES', `the query uses ${m.aliases} aliases; at most ${limits.maxAliases} are allowed`);
      if (m.cost > limits.maxCost) report('QUERY_TOO_COSTLY', `the query's estimated cost exceeds ${limits.maxCost}`);
    },
  });
}
