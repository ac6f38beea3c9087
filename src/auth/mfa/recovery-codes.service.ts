import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { generateRecoveryCode, hashRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.js';

/** Recovery codes: stored as SHA-256, each spent by one conditional UPDATE. */
@Injectable()
export class RecoveryCodesService {
  constructor(private readonly dataSource: DataSource) {}

  /** A new set within `manager`'s transaction; the old set is gone. Returns the codes, once. */
  async replace(manager: EntityManager, userId: string): Promise<string[]> {
    await this.removeAll(manager, userId);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await manager.query(
      `INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`,
      [userId, codes.map(hashRecoveryCode)],
    );
    return codes;
  }

  async removeAll(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
  }

  /** Spends the code; false when it is not one of the user's unused codes. */
  async consume(userId: string, code: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH spent AS (
         UPDATE recovery_codes SET used_at = now()
          WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1)
       SELECT * FROM spent`,
      [userId, hashRecoveryCode(code)],
    );
    return rows.length > 0;
  }
}
