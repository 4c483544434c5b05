/**
 * Query limits as one validation rule: depth (nested fields), aliases and an estimated cost (every
 * field costs 1 times the page sizes of the lists above it; a list's page size is its `first`
 * literal, DEFAULT_PAGE when absent, MAX_PAGE when a variable). Introspection fields are not
 * counted, so GraphiQL works. Rejections carry QUERY_TOO_DEEP, TOO_MANY_ALIASES or QUERY_TOO_COSTLY.
 */
import { getNamedType, GraphQLError, isObjectType, Kind, type ASTVisitor, type GraphQLNamedType, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { DEFAULT_PAGE, MAX_PAGE } from './resolvers.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 8, maxAliases: 20, maxCost: 10_000 };

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
      for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
      const m: Measure = { depth: 0, aliases: 0, cost: 0 };
      const schema = context.getSchema();
      const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, depth: number, multiplier: number, seen: Set<string>): void => {
        // Stop early: a hostile query needs no full walk.
        if (m.depth > limits.maxDepth || m.cost > limits.maxCost) return;
        for (const s of set.selections) {
          if (s.kind === Kind.FIELD) {
            if (s.name.value.startsWith('__')) continue;
            if (s.alias) m.aliases++;
            m.depth = Math.max(m.depth, depth);
            m.cost += multiplier;
            if (s.selectionSet) {
              const def = parent && isObjectType(parent) ? parent.getFields()[s.name.value] : undefined;
              const first = s.arguments?.find((a) => a.name.value === 'first');
              let size = 1;
              if (first) size = first.value.kind === Kind.INT ? Math.max(1, Math.min(Number(first.value.value), MAX_PAGE)) : MAX_PAGE;
              else if (def?.args.some((a) => a.name === 'first')) size = DEFAULT_PAGE;
              walk(s.selectionSet, def && getNamedType(def.type), depth + 1, multiplier * size, seen);
            }
          } else if (s.kind === Kind.INLINE_FRAGMENT) {
            walk(s.selectionSet, s.typeCondition ? schema.getType(s.typeCondition.name.value) ?? undefined : parent, depth, multiplier, seen);
          } else {
            const name = s.name.value;
            const f = fragments.get(name);
            if (!f || seen.has(name)) continue; // unknown or cyclic: other rules report it
            walk(f.selectionSet, schema.getType(f.typeCondition.name.value) ?? undefined, depth, multiplier, new Set([...seen, name]));
          }
        }
      };
      const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      walk(op.selectionSet, root ?? undefined, 1, 1, new Set());
      const report = (code: string, message: string): void => context.reportError(new GraphQLError(message, { nodes: [op], extensions: { code } }));
      if (m.depth > limits.maxDepth) report('QUERY_TOO_DEEP', `the query is nested deeper than ${limits.maxDepth} levels`);
      if (m.aliases > limits.maxAliases) report('TOO_MANY_ALIASES', `the query uses ${m.aliases} aliases; at most ${limits.maxAliases} are allowed`);
      if (m.cost > limits.maxCost) report('QUERY_TOO_COSTLY', `the query's estimated cost exceeds ${limits.maxCost}`);
    },
  });
}
