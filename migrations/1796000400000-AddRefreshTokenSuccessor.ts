import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A spent refresh token remembers its successor: its id (to tell whether the successor was used
 * since) and the successor itself, sealed under a key derived from the spent token, for a retry
 * within REFRESH_RETRY_WINDOW (issue 12, item 8; ADR 0014).
 */
export class AddRefreshTokenSuccessor1796000400000 implements MigrationInterface {
  name = 'AddRefreshTokenSuccessor1796000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "refresh_tokens"
        ADD "successor_id" uuid,
        ADD "successor_sealed" bytea`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "refresh_tokens" DROP COLUMN "successor_sealed", DROP COLUMN "successor_id"`);
  }
}
