import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLEnumType,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema/index.ts';
import { DOMAIN_ERROR_CODES } from '../../src/services/shared/errors.ts';

// What a client sees in GraphiQL and in generated types: every type, field, argument and enum
// value explains itself; states and kinds are enums; every error code is listed in ErrorCode.
const schema = buildSchema();
const ownTypes = Object.values(schema.getTypeMap()).filter((t) => !isIntrospectionType(t) && !isSpecifiedScalarType(t));
const root = join(import.meta.dirname, '..', '..');

/** Every place in the schema a description belongs, as `Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`. */
function describedThings(type: GraphQLNamedType): Array<{ path: string; description: string | null | undefined }> {
  const things: Array<{ path: string; description: string | null | undefined }> = [{ path: type.name, description: type.description }];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      things.push({ path: `${type.name}.${field.name}`, description: field.description });
      for (const arg of field.args) things.push({ path: `${type.name}.${field.name}(${arg.name})`, description: arg.description });
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) things.push({ path: `${type.name}.${field.name}`, description: field.description });
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) things.push({ path: `${type.name}.${value.name}`, description: value.description });
  }
  return things;
}

describe('schema quality', () => {
  it('has a description on every type, field, argument, input field and enum value', () => {
    const things = ownTypes.flatMap(describedThings);
    expect(things.length).toBeGreaterThan(100);
    expect(things.filter((t) => !t.description?.trim()).map((t) => t.path)).toEqual([]);
  });

  it('types states, kinds and roles as enums, never as free strings', () => {
    const loose: string[] = [];
    for (const type of ownTypes) {
      if (!isObjectType(type) && !isInputObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (/^(status|previous|state|type|kind|role)$/i.test(field.name) && !isEnumType(getNamedType(field.type))) loose.push(`${type.name}.${field.name}`);
      }
    }
    expect(loose).toEqual([]);
  });

  it('deprecates with a reason that names the replacement, instead of renaming silently', () => {
    const deprecated = ownTypes.flatMap((type) => {
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        return Object.values(type.getFields()).filter((f) => f.deprecationReason != null).map((f) => ({ path: `${type.name}.${f.name}`, reason: f.deprecationReason! }));
      }
      if (isEnumType(type)) return type.getValues().filter((v) => v.deprecationReason != null).map((v) => ({ path: `${type.name}.${v.name}`, reason: v.deprecationReason! }));
      return [];
    });
    for (const { path, reason } of deprecated) expect(reason, path).toMatch(/use `[^`]+`/i);
  });
});

describe('the ErrorCode enum', () => {
  const errorCode = schema.getType('ErrorCode') as GraphQLEnumType;
  const listed = new Set(errorCode.getValues().map((v) => v.name));

  it('lists every domain error code', () => {
    expect(DOMAIN_ERROR_CODES.length).toBeGreaterThan(10);
    expect(DOMAIN_ERROR_CODES.filter((code) => !listed.has(code))).toEqual([]);
  });

  it('lists every code the GraphQL layer puts into extensions itself', async () => {
    // The codes set outside the domain: rate limits, shield's fallback, the graphql-ws auth check.
    const files = [join(root, 'src', 'http', 'graphql-server.ts')];
    for (const dir of ['schema', 'resolvers']) {
      for (const name of await readdir(join(root, 'src', dir))) if (name.endsWith('.ts')) files.push(join(root, 'src', dir, name));
    }
    const emitted = new Set<string>();
    for (const file of files) for (const m of (await readFile(file, 'utf8')).matchAll(/\bcode: '([A-Z_]+)'/g)) emitted.add(m[1]!);
    expect(emitted.size).toBeGreaterThan(0);
    expect([...emitted].filter((code) => !listed.has(code))).toEqual([]);
  });
});
