import type { Readable } from 'node:stream';
import { builder } from './builder.ts';

/** One file part of a multipart request, as the resolver gets it: a stream, never a buffer. */
export interface UploadedFile {
  /** The file name the client gave its part, if any. */
  fileName: string | undefined;
  /** The part's Content-Type as the client declared it (not trusted: the bytes decide). */
  mimeType: string;
  stream: Readable;
}

/**
 * A file of a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec).
 * The operation runs as soon as `operations` and `map` have arrived; the file's bytes are still on the
 * wire then, so `part` resolves when the file part starts and the resolver streams it onwards.
 */
export class Upload {
  // Private fields: shield's argument cache hashes the arguments, and a hash of a promise throws.
  readonly #part: Promise<UploadedFile>;
  #resolve!: (file: UploadedFile) => void;
  #reject!: (err: Error) => void;

  constructor() {
    this.#part = new Promise<UploadedFile>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A request that fails before any resolver looks at the file must not leave an unhandled rejection.
    this.#part.catch(() => undefined);
  }

  /** Resolves when the file part starts arriving; the resolver streams it on from there. */
  get part(): Promise<UploadedFile> {
    return this.#part;
  }

  /** Called by the multipart parser. */
  arrived(file: UploadedFile): void {
    this.#resolve(file);
  }

  /** Called by the multipart parser: the part never came, or the request broke. */
  failed(err: Error): void {
    this.#reject(err);
  }
}

builder.scalarType('Upload', {
  description:
    'A file sent as a part of a `multipart/form-data` request per the GraphQL multipart request spec (`operations`, `map`, then the file parts). Input only.',
  serialize: () => {
    throw new TypeError('Upload is an input-only scalar');
  },
  parseValue: (value) => {
    if (value instanceof Upload) return value;
    throw new TypeError('Upload must be a file part of a multipart request (GraphQL multipart request spec), mapped onto this variable');
  },
  parseLiteral: () => {
    throw new TypeError('Upload cannot be written inline: send the file as a multipart part and map it onto a variable');
  },
});
