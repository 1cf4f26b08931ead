import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { GraphQLError, Lexer, Source, TokenKind, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * What one GraphQL document may cost, checked before anything executes. The largest real document
 * (GraphiQL's introspection query) has about 200 tokens and no operation here nests deeper than 5
 * selection sets, so these leave ample room while a hostile document is refused at parse or validation:
 * - tokens: a megabyte of `a0: instances a1: instances …` is never parsed;
 * - nesting: brackets of any kind (`{`, `[`, `(`) inside each other. graphql-js parses recursively,
 *   and a few thousand nested list literals overflow the stack well within any sane token limit;
 * - aliases: each alias of a list field runs its resolver again (5,000 of `instances` took ≈ 10 s);
 * - depth: selection-set nesting (introspection's own `ofType` chain is exempt).
 */
export const GRAPHQL_COST_LIMITS = { maxTokens: 2_000, maxNesting: 32, maxAliases: 30, maxDepth: 12 } as const;

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Counts tokens and bracket nesting with graphql-js' own lexer (iterative, so it cannot overflow)
 * before the recursive parser runs. A refusal is a syntax error: Yoga answers it 400.
 */
function checkDocumentSize(source: string | Source): void {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let tokens = 0;
  let nesting = 0;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    if (++tokens > GRAPHQL_COST_LIMITS.maxTokens) throw new GraphQLError(`Syntax Error: the document has more than ${GRAPHQL_COST_LIMITS.maxTokens} tokens (token limit)`);
    if (OPENING.has(token.kind) && ++nesting > GRAPHQL_COST_LIMITS.maxNesting) {
      throw new GraphQLError(`Syntax Error: brackets are nested more than ${GRAPHQL_COST_LIMITS.maxNesting} deep (nesting limit)`);
    }
    if (CLOSING.has(token.kind)) nesting--;
  }
}

const useDocumentSizeLimit: Plugin = {
  onParse({ parseFn, setParseFn }) {
    setParseFn((source, options) => {
      checkDocumentSize(source);
      return parseFn(source, options);
    });
  },
};

/** graphql-armor's rules throw by default, which Yoga would treat as an execution error (200); reported, they are validation errors (400). */
const asValidationError = { propagateOnRejection: false, onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)] };

/**
 * The cost limits as envelop plugins. Yoga runs them for HTTP, and graphql-ws reaches the same parse
 * and validate through `yoga.getEnveloped`, so both transports refuse the same documents.
 * `hideSuggestions` drops "Did you mean …" from validation errors: with introspection off they would
 * hand out the schema's field names one guess at a time.
 */
export function costLimitPlugins(options: { hideSuggestions: boolean }): Plugin[] {
  return [
    useDocumentSizeLimit,
    maxAliasesPlugin({ n: GRAPHQL_COST_LIMITS.maxAliases, ...asValidationError }),
    maxDepthPlugin({ n: GRAPHQL_COST_LIMITS.maxDepth, ...asValidationError }),
    ...(options.hideSuggestions ? [blockFieldSuggestionsPlugin({ mask: '' })] : []),
  ] as Plugin[];
}
