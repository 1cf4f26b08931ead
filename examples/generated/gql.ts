/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n  }\n}\n\nmutation RefreshToken($token: String!) {\n  refreshToken(token: $token) {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n  }\n}\n\nquery Instances {\n  instances {\n    id\n    name\n    status\n  }\n}\n\nmutation CreateInstance($name: String!) {\n  createInstance(input: {name: $name}) {\n    id\n    name\n    status\n  }\n}\n\nmutation ConnectInstance($id: ID!) {\n  connectInstance(id: $id) {\n    id\n    status\n  }\n}\n\nsubscription QrCode($instanceId: ID!) {\n  qrCode(instanceId: $instanceId) {\n    code\n    expiresAt\n  }\n}\n\nsubscription InstanceStatus($instanceId: ID!) {\n  instanceStatus(instanceId: $instanceId) {\n    status\n    lastError\n  }\n}\n\nsubscription MessageReceived($instanceId: ID!) {\n  messageReceived(instanceId: $instanceId) {\n    id\n    chatJid\n    fromMe\n    type\n    text\n    sender {\n      phoneNumber\n      pushName\n    }\n  }\n}\n\nmutation SendText($input: SendTextInput!) {\n  sendText(input: $input) {\n    messageId\n  }\n}": typeof types.LoginDocument,
};
const documents: Documents = {
    "mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n  }\n}\n\nmutation RefreshToken($token: String!) {\n  refreshToken(token: $token) {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n  }\n}\n\nquery Instances {\n  instances {\n    id\n    name\n    status\n  }\n}\n\nmutation CreateInstance($name: String!) {\n  createInstance(input: {name: $name}) {\n    id\n    name\n    status\n  }\n}\n\nmutation ConnectInstance($id: ID!) {\n  connectInstance(id: $id) {\n    id\n    status\n  }\n}\n\nsubscription QrCode($instanceId: ID!) {\n  qrCode(instanceId: $instanceId) {\n    code\n    expiresAt\n  }\n}\n\nsubscription InstanceStatus($instanceId: ID!) {\n  instanceStatus(instanceId: $instanceId) {\n    status\n    lastError\n  }\n}\n\nsubscription MessageReceived($instanceId: ID!) {\n  messageReceived(instanceId: $instanceId) {\n    id\n    chatJid\n    fromMe\n    type\n    text\n    sender {\n      phoneNumber\n      pushName\n    }\n  }\n}\n\nmutation SendText($input: SendTextInput!) {\n  sendText(input: $input) {\n    messageId\n  }\n}": types.LoginDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n  }\n}\n\nmutation RefreshToken($token: String!) {\n  refreshToken(token: $token) {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n  }\n}\n\nquery Instances {\n  instances {\n    id\n    name\n    status\n  }\n}\n\nmutation CreateInstance($name: String!) {\n  createInstance(input: {name: $name}) {\n    id\n    name\n    status\n  }\n}\n\nmutation ConnectInstance($id: ID!) {\n  connectInstance(id: $id) {\n    id\n    status\n  }\n}\n\nsubscription QrCode($instanceId: ID!) {\n  qrCode(instanceId: $instanceId) {\n    code\n    expiresAt\n  }\n}\n\nsubscription InstanceStatus($instanceId: ID!) {\n  instanceStatus(instanceId: $instanceId) {\n    status\n    lastError\n  }\n}\n\nsubscription MessageReceived($instanceId: ID!) {\n  messageReceived(instanceId: $instanceId) {\n    id\n    chatJid\n    fromMe\n    type\n    text\n    sender {\n      phoneNumber\n      pushName\n    }\n  }\n}\n\nmutation SendText($input: SendTextInput!) {\n  sendText(input: $input) {\n    messageId\n  }\n}"): typeof import('./graphql.ts').LoginDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
