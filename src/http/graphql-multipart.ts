import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { Upload } from '../schema/upload.ts';
import { validationFailed } from '../services/shared/index.ts';

export interface MultipartOptions {
  /** Most file parts one request may carry. */
  maxFiles: number;
  /** Most bytes of the `operations` and `map` fields together. */
  maxFieldBytes: number;
  /** Most bytes of the whole request body (checked against Content-Length up front, and counted). */
  maxBodyBytes: number;
}

const badRequest = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
const bodyTooLarge = (limit: number) =>
  new GraphQLError(`the request body is larger than the ${Math.round(limit / 1024 / 1024)} MB an upload may have`, { extensions: { code: 'MEDIA_TOO_LARGE', http: { status: 413 } } });

/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec),
 * streamed. Yoga's own multipart support reads the whole form into memory before it runs the
 * operation; here the operation runs as soon as `operations` and `map` have arrived, and each file
 * reaches its resolver as a stream while its bytes are still arriving: a 10 MB upload is never a
 * 10 MB buffer, however many run at once.
 *
 * After the response, parts nobody read are drained so the connection stays usable; a client that
 * goes away mid-upload errors the stream its resolver is reading (which then removes its temp file).
 *
 * The body is read from the Node request itself, and Yoga's own body limit must be off
 * (`maxRequestBodySize: false`): it pipes the body through a web TransformStream as soon as a
 * parser is chosen, and with nobody reading that side it buffers every upload whole. The limit is
 * applied here instead; JSON bodies are parsed, within Fastify's body limit, before Yoga sees them.
 */
export function useStreamingMultipart(options: MultipartOptions): Plugin {
  const pending = new WeakMap<Request, MultipartBody>();
  return {
    onRequestParse({ request, serverContext, setRequestParser }) {
      if (request.method !== 'POST' || !request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data')) return;
      setRequestParser(() => {
        // The Node request itself (Fastify's `req.raw`), read directly; nothing else reads it, with Yoga's body limit off.
        const body = new MultipartBody((serverContext as unknown as { req: { raw: IncomingMessage } }).req.raw, options);
        pending.set(request, body);
        return body.operations;
      });
    },
    onResponse({ request }) {
      pending.get(request)?.finish();
      pending.delete(request);
    },
  };
}

class MultipartBody {
  /** Resolves once `operations` and `map` are read, with every mapped variable set to its Upload. */
  readonly operations: Promise<GraphQLParams | GraphQLParams[]>;
  private readonly raw: IncomingMessage;
  private readonly uploads = new Map<string, Upload>();
  /** Streams handed to resolvers, to fail them if the client goes away. */
  private readonly open = new Set<PassThrough>();
  private parsed: unknown;
  private mapped = false;
  private done = false;
  private settle!: { resolve: (p: GraphQLParams | GraphQLParams[]) => void; reject: (e: Error) => void };

  constructor(raw: IncomingMessage, options: MultipartOptions) {
    this.raw = raw;
    this.operations = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    let busboy: InstanceType<typeof Busboy>;
    try {
      busboy = new Busboy({
        headers: raw.headers as { 'content-type': string },
        limits: { fields: 2, fieldSize: options.maxFieldBytes, files: options.maxFiles },
      });
    } catch (err) {
      this.fail(badRequest(`not a valid multipart request: ${(err as Error).message}`));
      return;
    }
    busboy.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (valueTruncated) return this.fail(badRequest(`the "${name}" field is larger than ${options.maxFieldBytes} bytes`));
      if (name === 'operations') return this.readOperations(value);
      if (name === 'map') return this.readMap(value);
      this.fail(badRequest(`unexpected field "${name}": a GraphQL multipart request has "operations", "map", then the files`));
    });
    busboy.on('file', (name: string, stream: Readable, fileName: string | undefined, _encoding: string, mimeType: string) => this.onFile(name, stream, fileName, mimeType));
    busboy.on('finish', () => this.onEnd(undefined));
    busboy.on('error', (err: Error) => this.onEnd(err));
    const declared = Number(raw.headers['content-length']);
    if (declared > options.maxBodyBytes) {
      this.fail(bodyTooLarge(options.maxBodyBytes));
      return;
    }
    let received = 0;
    raw.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.maxBodyBytes) busboy.destroy(bodyTooLarge(options.maxBodyBytes));
    });
    // A connection reset is reported by the 'close' below (raw.complete is false); unheard, it would crash.
    raw.on('error', () => undefined);
    raw.on('close', () => {
      if (!raw.complete) this.onEnd(new Error('the client closed the connection before the upload was complete'));
    });
    raw.pipe(busboy);
  }

  private readOperations(value: string): void {
    if (this.parsed !== undefined) return this.fail(badRequest('"operations" was sent twice'));
    try {
      this.parsed = JSON.parse(value);
    } catch {
      return this.fail(badRequest('"operations" is not valid JSON'));
    }
    if (typeof this.parsed !== 'object' || this.parsed === null) this.fail(badRequest('"operations" must be a JSON object (or an array of them)'));
  }

  private readMap(value: string): void {
    if (this.parsed === undefined) return this.fail(badRequest('"operations" must come before "map"'));
    let map: unknown;
    try {
      map = JSON.parse(value);
    } catch {
      return this.fail(badRequest('"map" is not valid JSON'));
    }
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return this.fail(badRequest('"map" must be a JSON object of file field name → paths'));
    for (const [field, paths] of Object.entries(map)) {
      if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) {
        return this.fail(badRequest(`"map"."${field}" must be a non-empty array of paths such as "variables.input.file"`));
      }
      const upload = new Upload();
      this.uploads.set(field, upload);
      for (const path of paths as string[]) {
        if (!setPath(this.parsed, path, upload)) return this.fail(badRequest(`"map"."${field}": "${path}" is not a variable path in "operations"`));
      }
    }
    this.mapped = true;
    this.settle.resolve(this.parsed as GraphQLParams | GraphQLParams[]);
  }

  private onFile(name: string, stream: Readable, fileName: string | undefined, mimeType: string): void {
    const upload = this.uploads.get(name);
    if (!this.mapped) {
      stream.resume();
      return this.fail(badRequest('file parts must come after "operations" and "map"'));
    }
    if (!upload || this.done) return void stream.resume();
    this.uploads.delete(name);
    // The resolver gets its own stream: if it stops reading (too large, wrong type), the rest of
    // the part is drained here, so the parser moves on instead of stalling on backpressure.
    const out = new PassThrough();
    // The resolver attaches its reader only after its own checks (access, recipient); a client that
    // cuts the upload off meanwhile destroys `out` with an error, and an 'error' event with no
    // listener would end the process. The reader still sees the error: a stream destroyed with one
    // fails every later pipeline with it.
    out.on('error', () => undefined);
    this.open.add(out);
    stream.pipe(out);
    out.on('close', () => {
      this.open.delete(out);
      if (!stream.readableEnded) {
        stream.unpipe(out);
        stream.resume();
      }
    });
    stream.on('error', (err: Error) => out.destroy(err));
    upload.arrived({ fileName: fileName || undefined, mimeType, stream: out });
  }

  private onEnd(err: Error | undefined): void {
    const missing = validationFailed(err ? `the upload could not be read: ${err.message}` : 'the request ended without this file part', { field: 'file' });
    if (!this.mapped) this.fail(err ? badRequest(`the multipart request could not be read: ${err.message}`) : badRequest('the multipart request has no "map" field'));
    for (const upload of this.uploads.values()) upload.failed(missing);
    this.uploads.clear();
    if (err) for (const out of this.open) out.destroy(err);
  }

  /** The response is out: whatever the operation did not read is read and dropped. */
  finish(): void {
    this.done = true;
    for (const upload of this.uploads.values()) upload.failed(validationFailed('the operation finished before this file part arrived', { field: 'file' }));
    this.uploads.clear();
    for (const out of this.open) out.destroy();
    this.raw.resume();
  }

  private fail(err: GraphQLError): void {
    if (this.mapped) return;
    // Nothing after this is read as the operation; the rest of the body is drained.
    this.mapped = true;
    this.done = true;
    this.settle.reject(err);
    this.raw.unpipe();
    this.raw.resume();
  }
}

/** Sets `operations[path]` (dot-separated; a batch starts with the operation's index) when its parent exists. */
function setPath(root: unknown, path: string, value: unknown): boolean {
  const keys = path.split('.');
  if (keys.some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype')) return false;
  if (keys.length < 2 || (Array.isArray(root) ? keys[1] !== 'variables' : keys[0] !== 'variables')) return false;
  let node = root as Record<string, unknown> | undefined;
  for (const key of keys.slice(0, -1)) {
    const next = node?.[key];
    if (typeof next !== 'object' || next === null) return false;
    node = next as Record<string, unknown>;
  }
  node![keys.at(-1)!] = value;
  return true;
}
