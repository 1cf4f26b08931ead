import { GraphQLError, type ValidationContext, type ASTVisitor } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * NUL bytes in text: PostgreSQL refuses them in every text column, so a name or password carrying
 * one used to reach the database and come back as a 500. No field of this API has a use for them;
 * they are refused at the edge, as the caller's mistake, on every transport.
 */
export function hasNulByte(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  // Deeper than any real input; a hostile body this deep is refused by the parsers' own limits.
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasNulByte(v, depth + 1));
  // Only plain objects (JSON): an Upload or a stream is not text.
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
  return Object.entries(value).some(([k, v]) => hasNulByte(k) || hasNulByte(v, depth + 1));
}

export const nulByteError = () =>
  new GraphQLError('text may not contain NUL (\\u0000) characters', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

/** A string literal in the document ("a\u0000b" is escaped in the text, a NUL once parsed). */
const noNulLiterals = (context: ValidationContext): ASTVisitor => ({
  StringValue(node) {
    if (node.value.includes('\u0000')) context.reportError(new GraphQLError('text may not contain NUL (\\u0000) characters', { nodes: [node] }));
  },
});

/**
 * The document and the variables of every GraphQL request over HTTP, and the document's literals on
 * both transports (graphql-ws checks its variables in onSubscribe).
 */
export const rejectNulBytes: Plugin = {
  onParams({ params }) {
    if (hasNulByte(params.query) || hasNulByte(params.variables) || hasNulByte(params.operationName)) throw nulByteError();
  },
  onValidate({ addValidationRule }) {
    addValidationRule(noNulLiterals);
  },
};
