import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from './errors/error-codes.js';

/** Deeper than any body of this API needs; far below what makes recursive code overflow. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether `text` nests arrays and objects more than `limit` deep, in one pass and without parsing
 * (brackets inside strings do not count). Malformed JSON is left to JSON.parse.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (OPENERS.has(char)) {
      if (++depth > limit) return true;
    } else if (CLOSERS.has(char)) depth--;
  }
  return false;
}

/**
 * Fastify's JSON parser behind a depth check. V8 parses a body 45,000 levels deep without
 * trouble, but everything after it walks the result recursively (class-transformer, validation,
 * the prototype-poisoning scan), overflows the stack and answered 500, or holds the event loop;
 * so such a body is refused with 400 `invalid_json` before it is parsed, on every route.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      const message = `The body is nested more than ${MAX_JSON_DEPTH} levels deep`;
      done(new BadRequestException({ code: ErrorCode.InvalidJson, message }), undefined);
      return;
    }
    void parse(request, text, done);
  });
}
