import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in through OpenID providers (issue 15): accounts that a provider created have no password,
 * sessions remember that they were opened through a provider (`amr`),
 * the identities linking `(provider, subject)` to a user, the flows under way (state, nonce and
 * PKCE verifier, found again by the browser's cookie on whichever instance the callback reaches)
 * and the one-time codes that the callback hands to the client instead of tokens. Flows and
 * codes are stored as SHA-256 of their secret, each consumed by one DELETE.
 */
export class CreateIdentities1796120000000 implements MigrationInterface {
  name = 'CreateIdentities1796120000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`);
    // How the session was signed in when not by password (RFC 8176 "amr"), for its every token.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "amr" text array`);
    await queryRunner.query(
      `CREATE TABLE "identities" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "user_id" uuid NOT NULL,
         "provider" character varying(32) NOT NULL,
         "subject" character varying(255) NOT NULL,
         "email" character varying(254),
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "PK_identities" PRIMARY KEY ("id"),
         CONSTRAINT "FK_identities_user" FOREIGN KEY ("user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_identities_provider_subject" ON "identities" ("provider", "subject")`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_identities_user" ON "identities" ("user_id")`);
    await queryRunner.query(
      `CREATE TABLE "oidc_flows" (
         "id_hash" bytea NOT NULL,
         "provider" character varying(32) NOT NULL,
         "state" text NOT NULL,
         "nonce" text NOT NULL,
         "code_verifier" text NOT NULL,
         "callback_url" text NOT NULL,
         "return_to" text NOT NULL,
         "link_user_id" uuid,
         "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         CONSTRAINT "PK_oidc_flows" PRIMARY KEY ("id_hash"),
         CONSTRAINT "FK_oidc_flows_link_user" FOREIGN KEY ("link_user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_oidc_flows_expires" ON "oidc_flows" ("expires_at")`);
    await queryRunner.query(
      `CREATE TABLE "oidc_exchange_codes" (
         "code_hash" bytea NOT NULL,
         "user_id" uuid NOT NULL,
         "provider" character varying(32) NOT NULL,
         "sessions_valid_after" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
         "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         CONSTRAINT "PK_oidc_exchange_codes" PRIMARY KEY ("code_hash"),
         CONSTRAINT "FK_oidc_exchange_codes_user" FOREIGN KEY ("user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_oidc_exchange_codes_expires" ON "oidc_exchange_codes" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oidc_exchange_codes"`);
    await queryRunner.query(`DROP TABLE "oidc_flows"`);
    await queryRunner.query(`DROP TABLE "identities"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "amr"`);
    // Accounts a provider created get a hash no password matches (argon2 refuses to read it):
    // they sign in no more, as without their identities.
    await queryRunner.query(
      `UPDATE "users" SET "password_hash" = '!no-password' WHERE "password_hash" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`);
  }
}
