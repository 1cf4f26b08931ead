import { InstanceRepository } from '../../../db/instance.repository.ts';
import type { AuthValueCodec } from '../../../db/auth-value.codec.ts';
import type { Orm } from '../../../db/orm.ts';
import { ReceivedMediaRepository, type ReceivedMediaRecord } from '../../../db/received-media.repository.ts';
import { DomainError, instanceNotFound, type Logger } from '../../shared/index.ts';
import type { MediaDownload } from '../types.ts';
import { openMediaStream, UntrustedMediaSource, type MediaHosts } from './received-media.ts';

/** WhatsApp's media links expire after some weeks; a reference older than this is useless. */
const RETENTION_MS = 30 * 24 * 3_600_000;
const SWEEP_EVERY_MS = 3_600_000;

export interface ReceivedMediaDeps {
  orm: Orm;
  logger: Logger;
  /** Encrypts each media key at rest, like creds and Signal keys. */
  codec: AuthValueCodec;
  /** Where media may be fetched from besides WhatsApp's CDN (the sandbox's media host, in sandbox mode). */
  hosts?: MediaHosts;
}

/**
 * The media of received messages: the keys and path of each (saved as it arrives, so a download
 * link works as soon as the message is reported), downloads streamed and decrypted from WhatsApp's
 * media server (never stored here), and an hourly sweep of expired references.
 */
export class ReceivedMediaService {
  private readonly log: Logger;
  private readonly repo: ReceivedMediaRepository;
  private readonly instances: InstanceRepository;
  private readonly hosts: MediaHosts;
  /** Saves under way, by instance and message: a read of one waits for it (a forward right after a send). */
  private readonly saving = new Map<string, Promise<void>>();
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(deps: ReceivedMediaDeps) {
    this.log = deps.logger.child({ component: 'received-media' });
    this.repo = new ReceivedMediaRepository(deps.orm, deps.codec);
    this.hosts = deps.hosts ?? {};
    this.instances = new InstanceRepository(deps.orm);
  }

  /** Idempotent: WhatsApp may deliver the same message twice. */
  save(ref: ReceivedMediaRecord): Promise<void> {
    const key = `${ref.instanceId}\u0000${ref.messageId}`;
    const saving = this.repo.save(ref);
    const settled = saving.then(
      () => undefined,
      () => undefined,
    );
    this.saving.set(key, settled);
    void settled.then(() => this.saving.get(key) === settled && this.saving.delete(key));
    return saving;
  }

  /** The stored reference of a media message (received, or sent here), or null; once a save of it under way has ended. */
  async reference(instanceId: string, messageId: string): Promise<ReceivedMediaRecord | null> {
    await this.saving.get(`${instanceId}\u0000${messageId}`);
    return this.repo.find(instanceId, messageId);
  }

  /** The decrypted bytes of a received media message, streamed. Throws INSTANCE_NOT_FOUND, MEDIA_NOT_FOUND, MEDIA_FETCH_FAILED. */
  async open(instanceId: string, messageId: string): Promise<MediaDownload> {
    const instance = await this.instances.findById(instanceId);
    if (!instance) throw instanceNotFound(String(instanceId));
    const ref = typeof messageId === 'string' && messageId.length <= 128 ? await this.repo.find(instance.id, messageId) : null;
    if (!ref) throw new DomainError('MEDIA_NOT_FOUND', `no media for message ${messageId} of instance ${instanceId}`, { instanceId, messageId });
    try {
      const stream = await openMediaStream(ref, this.hosts);
      return { stream, mimeType: ref.mimeType, size: ref.fileLength, fileName: ref.fileName };
    } catch (err) {
      if (err instanceof UntrustedMediaSource) {
        this.log.warn({ instanceId, messageId }, 'refused to fetch received media from outside WhatsApp’s media servers');
        throw new DomainError('MEDIA_FETCH_FAILED', `not fetched: ${err.message}`, { instanceId, messageId });
      }
      throw new DomainError('MEDIA_FETCH_FAILED', `WhatsApp's media server did not return the file: ${(err as Error).message}`, { instanceId, messageId });
    }
  }

  /** Starts the hourly sweep (one query drops every expired reference). */
  start(): void {
    if (this.sweep || this.stopped) return;
    this.sweep = setInterval(() => {
      void this.repo.deleteOlderThan(new Date(Date.now() - RETENTION_MS)).catch((err) => this.log.warn({ err }, 'media sweep failed'));
    }, SWEEP_EVERY_MS);
    this.sweep.unref();
  }

  /** Idempotent. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.sweep);
  }
}
