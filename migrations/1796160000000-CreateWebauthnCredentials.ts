import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Passkeys (issue 14): each user's WebAuthn credentials (the credential id as the authenticator
 * sent it, the COSE public key, the signature counter that reveals a cloned authenticator, and
 * whether the credential is backed up, which decides `hwk` or `swk`), and the ceremony
 * challenges, in the database so any instance can finish what another began: SHA-256 of the
 * challenge, its purpose, the user when known, consumed by one DELETE and valid five minutes.
 */
export class CreateWebauthnCredentials1796160000000 implements MigrationInterface {
  name = 'CreateWebauthnCredentials1796160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webauthn_credentials" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "user_id" uuid NOT NULL,
         "credential_id" bytea NOT NULL,
         "public_key" bytea NOT NULL,
         "counter" bigint NOT NULL DEFAULT 0,
         "transports" text[] NOT NULL DEFAULT '{}',
         "device_type" character varying(16) NOT NULL,
         "backed_up" boolean NOT NULL,
         "name" character varying(64) NOT NULL,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "last_used_at" TIMESTAMP WITH TIME ZONE,
         CONSTRAINT "PK_webauthn_credentials" PRIMARY KEY ("id"),
         CONSTRAINT "UQ_webauthn_credentials_credential_id" UNIQUE ("credential_id"),
         CONSTRAINT "FK_webauthn_credentials_user" FOREIGN KEY ("user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webauthn_credentials_user" ON "webauthn_credentials" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "webauthn_challenges" (
         "challenge_hash" bytea NOT NULL,
         "purpose" character varying(16) NOT NULL,
         "user_id" uuid,
         "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         CONSTRAINT "PK_webauthn_challenges" PRIMARY KEY ("challenge_hash"),
         CONSTRAINT "CHK_webauthn_challenges_purpose"
           CHECK ("purpose" IN ('registration', 'authentication', 'second_factor')),
         CONSTRAINT "FK_webauthn_challenges_user" FOREIGN KEY ("user_id")
           REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webauthn_challenges_expires" ON "webauthn_challenges" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webauthn_challenges"`);
    await queryRunner.query(`DROP TABLE "webauthn_credentials"`);
  }
}
