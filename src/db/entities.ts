import { ApiKey } from './api-key.entity.ts';
import { AuthCreds } from './auth-creds.entity.ts';
import { AuthKey } from './auth-key.entity.ts';
import { Broadcast } from './broadcast.entity.ts';
import { BootTask } from './boot-task.entity.ts';
import { Contact } from './contact.entity.ts';
import { Instance } from './instance.entity.ts';
import { InstanceGrant } from './instance-grant.entity.ts';
import { Message } from './message.entity.ts';
import { ReceivedMedia } from './received-media.entity.ts';
import { RefreshToken } from './refresh-token.entity.ts';
import { SendPause } from './send-pause.entity.ts';
import { User } from './user.entity.ts';
import { WebhookConfig, WebhookDeadLetter, WebhookDelivery, WebhookWatermark } from './webhook.entity.ts';

/** The explicit entity list: no folder scanning, so what is mapped is what is imported here. */
export const entities = [Instance, AuthCreds, AuthKey, ReceivedMedia, User, ApiKey, RefreshToken, InstanceGrant, WebhookConfig, WebhookDelivery, WebhookDeadLetter, WebhookWatermark, Message, BootTask, SendPause, Contact, Broadcast];
