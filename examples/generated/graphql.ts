/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Where an instance is in its lifecycle. */
export type InstanceStatus =
  /** Linked; opening the connection to WhatsApp. */
  | 'CONNECTING'
  /** Created, never connected. */
  | 'CREATED'
  /** Stopped for good without logging out (replaced by another login, refused, QR never scanned); `lastError` says why. `connectInstance` tries again. */
  | 'DISCONNECTED'
  /** Unlinked (by `logoutInstance` or on the phone); its keys are gone. `connectInstance` starts a fresh QR link. */
  | 'LOGGED_OUT'
  /** Connected: can send and receive. */
  | 'ONLINE'
  /** A phone scanned the QR or entered the pairing code; the link is being completed. */
  | 'PAIRING'
  /** Waiting to be linked: a QR code (field `qr`, subscription `qrCode`) or a pairing code is showing. */
  | 'QR_PENDING'
  /** The connection dropped; retrying with backoff (see `reconnectAttempts` and `lastError`). */
  | 'RECONNECTING';

/** What a message carries. */
export type MessageKind =
  /** An audio file. */
  | 'AUDIO'
  /** One or more shared contacts (vCards). */
  | 'CONTACT'
  /** A document (its caption is in `text`). */
  | 'DOCUMENT'
  /** An edit of another message, sent through this gateway (`editMessage`). */
  | 'EDIT'
  /** An image (its caption is in `text`). */
  | 'IMAGE'
  /** A static or live location. */
  | 'LOCATION'
  /** Any other kind of message. */
  | 'OTHER'
  /** A poll (its votes are aggregated on it as `pollResults`). */
  | 'POLL'
  /** An emoji reaction to another message (also listed on that message as `reactions`). */
  | 'REACTION'
  /** A delete-for-everyone of another message, sent through this gateway (`deleteMessage`). */
  | 'REVOKE'
  /** A sticker. */
  | 'STICKER'
  /** Plain or extended text. */
  | 'TEXT'
  /** A video (its caption is in `text`). */
  | 'VIDEO'
  /** A voice note (push-to-talk audio). */
  | 'VOICE';

/** A text message to send. Give exactly one of `instanceId` and `fromPhoneNumber`. */
export type SendTextInput = {
  /** Send from the instance linked to this phone number (international form). */
  fromPhoneNumber?: string | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again (concurrent duplicates, retries after a timeout or a gateway restart). */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId?: string | number | null | undefined;
  /** Mention these users (phone numbers or JIDs); write `@<number>` in the text where each should show. */
  mentions?: Array<string> | null | undefined;
  /** Quote this stored message (its WhatsApp id, sent or received by the same instance; needs `instanceId`). Unknown: MESSAGE_NOT_FOUND. */
  replyTo?: string | number | null | undefined;
  /** Send not before this time (at most 366 days ahead): the message stays SCHEDULED until then, across restarts, and the call answers at once. `cancelMessage` cancels it meanwhile. A time in the past sends now. */
  sendAt?: string | null | undefined;
  /** The message text, 1 to 65536 characters, not only whitespace. */
  text: string;
  /** Recipient: a phone number in international form (`+`, spaces and dashes allowed) or a JID. A number that is not on WhatsApp is refused before sending. */
  to: string;
};

export type LoginMutationVariables = Exact<{
  username: string;
  password: string;
}>;


export type LoginMutation = { login: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string } };

export type RefreshTokenMutationVariables = Exact<{
  token: string;
}>;


export type RefreshTokenMutation = { refreshToken: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string } };

export type InstancesQueryVariables = Exact<{ [key: string]: never; }>;


export type InstancesQuery = { instances: Array<{ id: string, name: string, status: InstanceStatus }> };

export type CreateInstanceMutationVariables = Exact<{
  name: string;
}>;


export type CreateInstanceMutation = { createInstance: { id: string, name: string, status: InstanceStatus } };

export type ConnectInstanceMutationVariables = Exact<{
  id: string | number;
}>;


export type ConnectInstanceMutation = { connectInstance: { id: string, status: InstanceStatus } };

export type QrCodeSubscriptionVariables = Exact<{
  instanceId: string | number;
}>;


export type QrCodeSubscription = { qrCode: { code: string, expiresAt: string } };

export type InstanceStatusSubscriptionVariables = Exact<{
  instanceId: string | number;
}>;


export type InstanceStatusSubscription = { instanceStatus: { status: InstanceStatus, lastError: string | null } };

export type MessageReceivedSubscriptionVariables = Exact<{
  instanceId: string | number;
}>;


export type MessageReceivedSubscription = { messageReceived: { id: string, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, sender: { phoneNumber: string | null, pushName: string | null } } };

export type SendTextMutationVariables = Exact<{
  input: SendTextInput;
}>;


export type SendTextMutation = { sendText: { messageId: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const LoginDocument = new TypedDocumentString(`
    mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    accessToken
    accessTokenExpiresAt
    refreshToken
  }
}
    `) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const RefreshTokenDocument = new TypedDocumentString(`
    mutation RefreshToken($token: String!) {
  refreshToken(token: $token) {
    accessToken
    accessTokenExpiresAt
    refreshToken
  }
}
    `) as unknown as TypedDocumentString<RefreshTokenMutation, RefreshTokenMutationVariables>;
export const InstancesDocument = new TypedDocumentString(`
    query Instances {
  instances {
    id
    name
    status
  }
}
    `) as unknown as TypedDocumentString<InstancesQuery, InstancesQueryVariables>;
export const CreateInstanceDocument = new TypedDocumentString(`
    mutation CreateInstance($name: String!) {
  createInstance(input: {name: $name}) {
    id
    name
    status
  }
}
    `) as unknown as TypedDocumentString<CreateInstanceMutation, CreateInstanceMutationVariables>;
export const ConnectInstanceDocument = new TypedDocumentString(`
    mutation ConnectInstance($id: ID!) {
  connectInstance(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ConnectInstanceMutation, ConnectInstanceMutationVariables>;
export const QrCodeDocument = new TypedDocumentString(`
    subscription QrCode($instanceId: ID!) {
  qrCode(instanceId: $instanceId) {
    code
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<QrCodeSubscription, QrCodeSubscriptionVariables>;
export const InstanceStatusDocument = new TypedDocumentString(`
    subscription InstanceStatus($instanceId: ID!) {
  instanceStatus(instanceId: $instanceId) {
    status
    lastError
  }
}
    `) as unknown as TypedDocumentString<InstanceStatusSubscription, InstanceStatusSubscriptionVariables>;
export const MessageReceivedDocument = new TypedDocumentString(`
    subscription MessageReceived($instanceId: ID!) {
  messageReceived(instanceId: $instanceId) {
    id
    chatJid
    fromMe
    type
    text
    sender {
      phoneNumber
      pushName
    }
  }
}
    `) as unknown as TypedDocumentString<MessageReceivedSubscription, MessageReceivedSubscriptionVariables>;
export const SendTextDocument = new TypedDocumentString(`
    mutation SendText($input: SendTextInput!) {
  sendText(input: $input) {
    messageId
  }
}
    `) as unknown as TypedDocumentString<SendTextMutation, SendTextMutationVariables>;