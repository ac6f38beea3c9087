import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccessTokenLifetimes1796000300000 implements MigrationInterface {
  name = 'CreateAccessTokenLifetimes1796000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "access_token_lifetimes" (
        "lifetime_seconds" integer NOT NULL,
        "issuing_until" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_access_token_lifetimes" PRIMARY KEY ("lifetime_seconds")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "access_token_lifetimes"`);
  }
}
