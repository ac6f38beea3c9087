import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLoginAttempts1795333400000 implements MigrationInterface {
  name = 'CreateLoginAttempts1795333400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "login_attempts" (
        "email" character varying(254) NOT NULL,
        "failures" integer NOT NULL DEFAULT 0,
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_login_attempts" PRIMARY KEY ("email")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "login_attempts"`);
  }
}
