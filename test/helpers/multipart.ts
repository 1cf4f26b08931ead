import type { TypedDocumentString } from '../graphql/generated/graphql.ts';
import type { Response } from './graphql-client.ts';

/**
 * One GraphQL operation with one file, as a multipart request per the GraphQL multipart request
 * spec: `operations` (the variable holding the file is null), `map` (file part → variable path),
 * then the file part itself.
 */
export async function postMultipart<R, V>(
  url: string,
  token: string | undefined,
  document: TypedDocumentString<R, V>,
  variables: V,
  file: { path: string; body: Blob; fileName?: string },
): Promise<Response<R>> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: document.toString(), variables }));
  form.append('map', JSON.stringify({ 0: [file.path] }));
  form.append('0', file.body, file.fileName ?? 'upload.bin');
  const res = await fetch(url, {
    method: 'POST',
    headers: { accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form,
  });
  const body = (await res.json()) as Omit<Response<R>, 'status'>;
  return { status: res.status, ...body };
}
