import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** `last_used_at` is written at most this often per key. */
const RECORD_EVERY_MS = 60_000;
const KEYS_REMEMBERED = 10_000;

/**
 * Records when a key was last used, at most once a minute per key and off the request's path:
 * the write is started after the request has been let through and never awaited by it, and a
 * failed write is a warning (the next use a minute later tries again).
 */
export class ApiKeyUsage {
  private readonly logger = new Logger('ApiKeyUsage');
  /** Key id → when its use was last recorded (epoch ms). */
  private readonly recorded = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  used(keyId: string, now = Date.now()): void {
    const last = this.recorded.get(keyId);
    if (last !== undefined && now - last < RECORD_EVERY_MS) return;
    if (this.recorded.size >= KEYS_REMEMBERED) this.recorded.clear();
    this.recorded.set(keyId, now);
    setImmediate(() => {
      this.dataSource
        .query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [keyId])
        .catch((error: Error) => {
          this.recorded.delete(keyId);
          this.logger.warn(`Could not record an API key's use: ${error.message}`);
        });
    });
  }
}
