import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Link tokens of the email flows (issue 13): only their SHA-256 is stored; `email` is the
 * address the link was sent to, so a link stops working once the account's address changes.
 */
export class CreateEmailTokens1796100010000 implements MigrationInterface {
  name = 'CreateEmailTokens1796100010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "email_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" character varying(20) NOT NULL,
        "token_hash" character(64) NOT NULL,
        "email" character varying(254) NOT NULL,
        "session_id" uuid,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_email_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_email_tokens_purpose"
          CHECK ("purpose" IN ('verify_email', 'password_reset', 'email_change')),
        CONSTRAINT "FK_email_tokens_user" FOREIGN KEY ("user_id")
          REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_email_tokens_token_hash" ON "email_tokens" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_email_tokens_user_purpose" ON "email_tokens" ("user_id", "purpose")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "email_tokens"`);
  }
}
