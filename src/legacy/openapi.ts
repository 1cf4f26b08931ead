/**
 * The OpenAPI 3.1 description of the legacy REST routes, served at /api/docs/openapi.json. Written
 * by hand from the same contract the routes implement (SUDEVWA's reference); test/rest checks real
 * responses against these schemas, so the two cannot drift apart unnoticed.
 */
import { VERSION } from '../services/shared/index.ts';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const nullableTime: Schema = { type: ['string', 'null'], format: 'date-time' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** An object with exactly these keys (optional ones listed in `optional`). */
const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});

const success = (data?: Schema): Schema =>
  obj({ success: { const: true }, message: str, ...(data ? { data } : {}) });

const sentBase = { messageId: str, timestamp: int };
const mediaKeys = { mediaType: { enum: ['image', 'video', 'audio', 'document'] }, fileName: str, fileSize: int };

const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    required: ['success', 'message'],
    additionalProperties: false,
    properties: {
      success: { const: false },
      message: str,
      error: { oneOf: [obj({ code: str, details: str }, ['code', 'details']), str] },
    },
  },
  User: obj(
    {
      id: str,
      username: str,
      email: str,
      full_name: str,
      auth_provider: { const: 'local' },
      role: { enum: ['admin', 'user'] },
      is_active: bool,
      email_verified: bool,
      created_at: { type: 'string', format: 'date-time' },
      last_login_at: nullableTime,
    },
    ['full_name'],
  ),
  Tokens: obj({ access_token: str, refresh_token: str, expires_at: str, user: ref('User') }),
  Instance: obj(
    {
      id: str,
      instanceId: str,
      phoneNumber: str,
      jid: str,
      status: { enum: ['qr_required', 'online', 'disconnected', 'logged_out'] },
      isConnected: bool,
      name: str,
      profilePicture: str,
      about: str,
      platform: str,
      batteryLevel: int,
      batteryCharging: bool,
      qrCode: str,
      qrExpiresAt: nullableTime,
      createdAt: nullableTime,
      connectedAt: nullableTime,
      disconnectedAt: nullableTime,
      lastSeen: nullableTime,
      existsInWhatsmeow: bool,
      circle: str,
      used: bool,
      keterangan: str,
      createdBy: str,
    },
    ['createdBy'],
  ),
  InstanceId: obj({ instanceId: str }),
  TextSent: obj({ ...sentBase, from: str, to: str, verified: { const: true } }, ['from']),
  MediaSent: obj({ ...sentBase, from: str, to: str, verified: { const: true }, ...mediaKeys }, ['from']),
  GroupTextSent: obj({ ...sentBase, from: str, groupJid: str }, ['from']),
  GroupMediaSent: obj({ ...sentBase, from: str, groupJid: str, ...mediaKeys }, ['from']),
};

const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const answer = (description: string, schema: Schema) => ({ description, ...json(schema) });
const fail = (description: string) => answer(description, ref('Error'));
const body = (properties: Record<string, Schema>, required: string[]) => ({
  required: true,
  ...json({ type: 'object', properties, required }),
});
const multipart = (properties: Record<string, Schema>, required: string[]) => ({
  required: true,
  content: { 'multipart/form-data': { schema: { type: 'object', properties, required } } },
});

const param = (name: string, description: string) => ({ name, in: 'path', required: true, schema: str, description });
const byId = [param('instanceId', 'The instance id')];
const byPhone = [param('phoneNumber', "The sending instance's phone number (international digits, or local with a leading 0)")];

const common = {
  '401': fail('Missing, malformed or invalid token (UNAUTHORIZED, INVALID_AUTH_HEADER, INVALID_TOKEN)'),
  '403': fail('The caller may not use this instance or phone number'),
  '429': fail('Rate limited'),
};
const sessionErrors = {
  '400': fail('Bad body (INVALID_REQUEST, VALIDATION_ERROR), not connected (NOT_CONNECTED), bad recipient (INVALID_PHONE, PHONE_NOT_REGISTERED) or media problem'),
  '404': fail('SESSION_NOT_FOUND (by id) or NO_ACTIVE_INSTANCE (by number)'),
  ...common,
};

type Operation = { summary: string; tags: string[]; parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown>; security?: unknown[] };

const op = (tag: string, summary: string, responses: Record<string, unknown>, extra: Partial<Operation> = {}): Operation => ({
  summary,
  tags: [tag],
  responses,
  ...extra,
});
const open = { security: [] };

const textBody = body({ to: str, message: str }, ['to', 'message']);
const mediaUrlBody = body({ to: str, mediaUrl: str, caption: str, mediaType: str }, ['to', 'mediaUrl']);
const mediaFileBody = multipart({ to: str, caption: str, file: { type: 'string', format: 'binary' } }, ['to', 'file']);
const groupTextBody = body({ groupJid: str, message: str }, ['groupJid', 'message']);
const groupUrlBody = body({ groupJid: str, mediaUrl: str, caption: str, mediaType: str }, ['groupJid', 'mediaUrl']);
const groupFileBody = multipart({ groupJid: str, caption: str, file: { type: 'string', format: 'binary' } }, ['groupJid', 'file']);

const groupsData = obj({
  from: str,
  total: int,
  groups: { type: 'array', items: obj({ jid: str, name: str, topic: str, participants: int, ownerJid: str, createdAt: int }) },
}, ['from']);

const paths: Record<string, Record<string, Operation>> = {
  '/': { get: op('system', 'Health', { '200': answer('Running', obj({ success: { const: true }, message: str, version: str })) }, open) },
  '/login': {
    post: op('auth', 'Log in with a username and password', {
      '200': answer('Tokens', success(ref('Tokens'))),
      '400': fail('BAD_REQUEST, MISSING_FIELDS'),
      '401': fail('INVALID_CREDENTIALS'),
      '429': fail('Rate limited'),
    }, { ...open, requestBody: body({ username: str, password: str }, ['username', 'password']) }),
  },
  '/refresh': {
    post: op('auth', 'A new access token for a refresh token (the refresh token is not rotated)', {
      '200': answer('Access token', success(obj({ access_token: str, expires_at: str, user: ref('User') }))),
      '400': fail('BAD_REQUEST, MISSING_TOKEN'),
      '401': fail('INVALID_REFRESH_TOKEN'),
    }, { ...open, requestBody: body({ refresh_token: str }, ['refresh_token']) }),
  },
  '/register': {
    post: op('auth', 'Create a USER account (only with ALLOW_REGISTRATION=true)', {
      '201': answer('Registered', success(ref('Tokens'))),
      '400': fail('BAD_REQUEST, MISSING_FIELDS, REGISTRATION_FAILED'),
      '403': fail('REGISTRATION_DISABLED'),
    }, { ...open, requestBody: body({ username: str, email: str, password: str, full_name: str }, ['username', 'email', 'password']) }),
  },
  '/login-jwt': {
    post: op('auth', 'Pre-accounts login: `{token}`, not enveloped', {
      '200': answer('Token', obj({ token: str })),
      '400': answer('Bad request', obj({ error: str })),
      '401': answer('Invalid credentials', obj({ error: str })),
    }, { ...open, requestBody: body({ username: str, password: str }, ['username', 'password']) }),
  },
  '/api/me': { get: op('auth', 'The caller', { '200': answer('Profile', success(ref('User'))), ...common }) },
  '/api/logout': {
    post: op('auth', 'Revoke a refresh token', { '200': answer('Logged out', success()), '400': fail('MISSING_TOKEN'), ...common }, {
      requestBody: body({ refresh_token: str }, ['refresh_token']),
    }),
  },
  '/api/validate': {
    get: op('auth', 'Is the token valid? (era A/B clients)', { '200': answer('Valid', obj({ success: { const: true }, message: str, username: str })), ...common }),
  },
  '/api/login': {
    post: op('instances', 'Create an instance; `kelompok` is its group label', {
      '200': answer('Created', success(obj({ instanceId: str, status: { const: 'qr_required' }, nextStep: str }))),
      '400': fail('BAD_REQUEST, KELOMPOK_REQUIRED'),
      ...common,
    }, { requestBody: body({ kelompok: str, name: str }, ['kelompok']) }),
  },
  '/api/qr/{instanceId}': {
    get: op('instances', 'Start QR linking (QR codes arrive on /ws and in GET /api/instances?all=true)', {
      '200': answer('Started, or already connected', success({
        oneOf: [
          obj({ status: { const: 'generating' }, message: str, instance_id: str, timeout: str }),
          obj({ status: { const: 'already_connected' }, jid: str }),
          obj({ status: { const: 'reconnecting' }, instance_id: str }),
        ],
      })),
      '404': fail('INSTANCE_NOT_FOUND'),
      '409': fail('QR_IN_PROGRESS'),
      ...common,
    }, { parameters: byId }),
  },
  '/api/qr-cancel/{instanceId}': {
    delete: op('instances', 'Cancel QR linking', {
      '200': answer('Cancelled', success(obj({ instance_id: str, status: { const: 'cancelled' } }))),
      '404': fail('NO_QR_SESSION, INSTANCE_NOT_FOUND'),
      ...common,
    }, { parameters: byId }),
  },
  '/api/status/{instanceId}': {
    get: op('instances', 'Connection status', {
      '200': answer('Status', success(obj({ instanceId: str, isConnected: bool, jid: str, status: str }))),
      '404': fail('SESSION_NOT_FOUND'),
      ...common,
    }, { parameters: byId }),
  },
  '/api/logout/{instanceId}': {
    post: op('instances', 'Unlink the WhatsApp device (the instance can be linked again)', {
      '200': answer('Logged out', success(ref('InstanceId'))),
      '404': fail('SESSION_NOT_FOUND'),
      ...common,
    }, { parameters: byId }),
  },
  '/api/instances': {
    get: op('instances', 'Instances the caller may see; only connected ones unless all=true', {
      '200': answer('List', success(obj({ total: int, instances: { oneOf: [{ type: 'array', items: ref('Instance') }, { type: 'null' }] } }))),
      ...common,
    }, { parameters: [{ name: 'all', in: 'query', required: false, schema: { enum: ['true', 'false'] } }] }),
  },
  '/api/instances/{instanceId}': {
    delete: op('instances', 'Delete a disconnected instance', {
      '200': answer('Deleted', success(ref('InstanceId'))),
      '400': fail('INSTANCE_STILL_CONNECTED'),
      '404': fail('INSTANCE_NOT_FOUND'),
      ...common,
    }, { parameters: byId }),
    patch: op('instances', 'Update the labels', {
      '200': answer('Updated', success(ref('InstanceId'))),
      '400': fail('BAD_REQUEST, NO_FIELDS, VALIDATION_ERROR'),
      '404': fail('INSTANCE_NOT_FOUND'),
      ...common,
    }, { parameters: byId, requestBody: body({ used: bool, keterangan: str, circle: str }, []) }),
  },
  '/api/info-device/{instanceId}': {
    get: op('instances', 'The linked device', {
      '200': answer('Device', success(obj({ instanceId: str, jid: str, phoneNumber: str }))),
      ...sessionErrors,
    }, { parameters: byId }),
  },
  '/api/send/{instanceId}': {
    post: op('messages', 'Send a text', { '200': answer('Sent', success(ref('TextSent'))), ...sessionErrors }, { parameters: byId, requestBody: textBody }),
  },
  '/api/check/{instanceId}': {
    post: op('messages', 'Is a number on WhatsApp?', {
      '200': answer('Checked', success(obj({ phone: str, isRegistered: bool, jid: str, willSkipValidation: bool, note: str }))),
      ...sessionErrors,
    }, { parameters: byId, requestBody: body({ phone: str }, ['phone']) }),
  },
  '/api/send/{instanceId}/media': {
    post: op('messages', 'Send an uploaded file (fields before the file)', { '200': answer('Sent', success(ref('MediaSent'))), ...sessionErrors }, {
      parameters: byId,
      requestBody: mediaFileBody,
    }),
  },
  '/api/send/{instanceId}/media-url': {
    post: op('messages', 'Send a file the gateway downloads', { '200': answer('Sent', success(ref('MediaSent'))), ...sessionErrors }, {
      parameters: byId,
      requestBody: mediaUrlBody,
    }),
  },
  '/api/by-number/{phoneNumber}': {
    post: op('messages', 'Send a text from the instance linked to a number', { '200': answer('Sent', success(ref('TextSent'))), ...sessionErrors }, {
      parameters: byPhone,
      requestBody: textBody,
    }),
  },
  '/api/by-number/{phoneNumber}/media-url': {
    post: op('messages', 'Send a downloaded file from a number', { '200': answer('Sent', success(ref('MediaSent'))), ...sessionErrors }, {
      parameters: byPhone,
      requestBody: mediaUrlBody,
    }),
  },
  '/api/by-number/{phoneNumber}/media-file': {
    post: op('messages', 'Send an uploaded file from a number', { '200': answer('Sent', success(ref('MediaSent'))), ...sessionErrors }, {
      parameters: byPhone,
      requestBody: mediaFileBody,
    }),
  },
  '/api/groups/{instanceId}': { get: op('groups', 'Groups the account is in', { '200': answer('Groups', success(groupsData)), ...sessionErrors }, { parameters: byId }) },
  '/api/groups/by-number/{phoneNumber}': {
    get: op('groups', 'Groups, by sender number', { '200': answer('Groups', success(groupsData)), ...sessionErrors }, { parameters: byPhone }),
  },
  '/api/send-group/{instanceId}': {
    post: op('groups', 'Send a text to a group', {
      '200': answer('Sent', success(ref('GroupTextSent'))),
      ...sessionErrors,
      '404': fail('SESSION_NOT_FOUND, GROUP_NOT_FOUND'),
    }, { parameters: byId, requestBody: groupTextBody }),
  },
  '/api/send-group/{instanceId}/media': {
    post: op('groups', 'Send an uploaded file to a group', { '200': answer('Sent', success(ref('GroupMediaSent'))), ...sessionErrors }, {
      parameters: byId,
      requestBody: groupFileBody,
    }),
  },
  '/api/send-group/{instanceId}/media-url': {
    post: op('groups', 'Send a downloaded file to a group', { '200': answer('Sent', success(ref('GroupMediaSent'))), ...sessionErrors }, {
      parameters: byId,
      requestBody: groupUrlBody,
    }),
  },
  '/api/send-group/by-number/{phoneNumber}': {
    post: op('groups', 'Send a text to a group, by sender number', { '200': answer('Sent', success(ref('GroupTextSent'))), ...sessionErrors }, {
      parameters: byPhone,
      requestBody: groupTextBody,
    }),
  },
  '/api/send-group/by-number/{phoneNumber}/media': {
    post: op('groups', 'Send an uploaded file to a group, by sender number', { '200': answer('Sent', success(ref('GroupMediaSent'))), ...sessionErrors }, {
      parameters: byPhone,
      requestBody: groupFileBody,
    }),
  },
  '/api/send-group/by-number/{phoneNumber}/media-url': {
    post: op('groups', 'Send a downloaded file to a group, by sender number', { '200': answer('Sent', success(ref('GroupMediaSent'))), ...sessionErrors }, {
      parameters: byPhone,
      requestBody: groupUrlBody,
    }),
  },
  '/api/contacts/{instanceId}': {
    get: op('groups', 'Contacts the session has heard of', {
      '200': answer('Contacts', success(obj({
        total: int,
        page: int,
        limit: int,
        totalPages: int,
        search: str,
        contacts: { type: 'array', items: obj({ jid: str, phoneNumber: str, name: str, isGroup: bool }) },
        hasNextPage: bool,
        hasPrevPage: bool,
      }))),
      ...sessionErrors,
    }, {
      parameters: [
        ...byId,
        { name: 'page', in: 'query', required: false, schema: int },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', maximum: 50 } },
        { name: 'search', in: 'query', required: false, schema: str },
      ],
    }),
  },
};

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'wamux legacy REST API (SUDEVWA-compatible)',
      version: VERSION,
      description: 'SUDEVWA clients work by changing only the base URL. Every answer is `{success, message, data?, error?{code, details?}}`. See the README section "Legacy REST compatibility" for where wamux deliberately differs.',
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token from /login, or a wamux API key' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
