import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Machine clients (issue 16): API keys of users, service accounts for the client-credentials
 * grant, and the ids of revoked tokens that have no session (a service token's `jti`, a deleted
 * service account). Secrets are stored as SHA-256 hashes only: they are 256 random bits.
 */
export class CreateApiKeysAndClients1796140000000 implements MigrationInterface {
  name = 'CreateApiKeysAndClients1796140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "name" character varying(100) NOT NULL,
        "scopes" text array NOT NULL,
        "prefix" character varying(16) NOT NULL,
        "key_hash" character(64) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_api_keys_key_hash" UNIQUE ("key_hash"),
        CONSTRAINT "FK_api_keys_user_id" FOREIGN KEY ("user_id")
          REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_api_keys_user_id" ON "api_keys" ("user_id")`);
    await queryRunner.query(`
      CREATE TABLE "service_clients" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(100) NOT NULL,
        "scopes" text array NOT NULL,
        "secret_hash" character(64) NOT NULL,
        "previous_secret_hash" character(64),
        "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "secret_rotated_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_service_clients" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "revoked_token_ids" (
        "id" uuid NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_revoked_token_ids" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_revoked_token_ids_revoked_at" ON "revoked_token_ids" ("revoked_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "revoked_token_ids"`);
    await queryRunner.query(`DROP TABLE "service_clients"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
