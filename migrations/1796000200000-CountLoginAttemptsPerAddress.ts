import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: failures are counted per (email, client address), so guesses from one address lock
 * out that address only; `account_lockouts` counts them across addresses per lockout window and
 * holds the account-wide lock. Counts are short-lived: the per-email ones are dropped, except
 * that a lock still in force carries over as an account-wide lock, as it was.
 */
export class CountLoginAttemptsPerAddress1796000200000 implements MigrationInterface {
  name = 'CountLoginAttemptsPerAddress1796000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "account_lockouts" (
        "email" character varying(254) NOT NULL,
        "failures" integer NOT NULL DEFAULT 0,
        "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "locked_until" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_account_lockouts" PRIMARY KEY ("email")
      )`);
    await queryRunner.query(`
      INSERT INTO "account_lockouts" ("email", "failures", "window_started_at", "locked_until")
      SELECT "email", "failures", "updated_at", "locked_until" FROM "login_attempts"
       WHERE "locked_until" > now()`);
    await queryRunner.query(`DELETE FROM "login_attempts"`);
    await queryRunner.query(`ALTER TABLE "login_attempts" DROP CONSTRAINT "PK_login_attempts"`);
    await queryRunner.query(
      `ALTER TABLE "login_attempts" ADD "client_address" character varying(64) NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "login_attempts" ADD CONSTRAINT "PK_login_attempts" PRIMARY KEY ("email", "client_address")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "login_attempts"`);
    await queryRunner.query(`ALTER TABLE "login_attempts" DROP CONSTRAINT "PK_login_attempts"`);
    await queryRunner.query(`ALTER TABLE "login_attempts" DROP COLUMN "client_address"`);
    await queryRunner.query(
      `ALTER TABLE "login_attempts" ADD CONSTRAINT "PK_login_attempts" PRIMARY KEY ("email")`,
    );
    await queryRunner.query(`
      INSERT INTO "login_attempts" ("email", "failures", "locked_until", "updated_at")
      SELECT "email", "failures", "locked_until", "window_started_at" FROM "account_lockouts"
       WHERE "locked_until" > now()`);
    await queryRunner.query(`DROP TABLE "account_lockouts"`);
  }
}
