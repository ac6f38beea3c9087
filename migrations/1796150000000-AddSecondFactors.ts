import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factors (issue 14): a TOTP secret per user (AES-256-GCM under DATA_ENCRYPTION_KEY, with
 * the last time step used, so a code works once), recovery codes (SHA-256, each spent once), the
 * mfaTokens between a right password and the second factor (SHA-256, consumed by one DELETE),
 * and when each session's user authenticated (`auth_time`, RFC 9470) beside its `amr`.
 */
export class AddSecondFactors1796150000000 implements MigrationInterface {
  name = 'AddSecondFactors1796150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Existing sessions authenticated when they were opened; new ones default to their opening.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "auth_time" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "sessions" SET "auth_time" = "created_at"`);
    await queryRunner.query(
      `ALTER TABLE "sessions" ALTER COLUMN "auth_time" SET DEFAULT now(), ALTER COLUMN "auth_time" SET NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "totp_secrets" (
         "user_id" uuid NOT NULL,
         "secret_encrypted" text NOT NULL,
         "confirmed_at" TIMESTAMP WITH TIME ZONE,
         "last_used_step" bigint,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "PK_totp_secrets" PRIMARY KEY ("user_id"),
         CONSTRAINT "FK_totp_secrets_user" FOREIGN KEY ("user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" (
         "code_hash" bytea NOT NULL,
         "user_id" uuid NOT NULL,
         "used_at" TIMESTAMP WITH TIME ZONE,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "PK_recovery_codes" PRIMARY KEY ("user_id", "code_hash"),
         CONSTRAINT "FK_recovery_codes_user" FOREIGN KEY ("user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE TABLE "mfa_tokens" (
         "token_hash" bytea NOT NULL,
         "user_id" uuid NOT NULL,
         "email" character varying(254) NOT NULL,
         "sessions_valid_after" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
         "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         CONSTRAINT "PK_mfa_tokens" PRIMARY KEY ("token_hash"),
         CONSTRAINT "FK_mfa_tokens_user" FOREIGN KEY ("user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_mfa_tokens_user" ON "mfa_tokens" ("user_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_mfa_tokens_expires" ON "mfa_tokens" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mfa_tokens"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`DROP TABLE "totp_secrets"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "auth_time"`);
  }
}
