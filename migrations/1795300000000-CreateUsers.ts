import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1795300000000 implements MigrationInterface {
  name = 'CreateUsers1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" character varying(254) NOT NULL,
        "password_hash" text NOT NULL,
        "roles" text array NOT NULL DEFAULT '{user}',
        "display_name" character varying(100),
        "disabled_at" TIMESTAMP WITH TIME ZONE,
        "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_users_email_normalized" CHECK ("email" = lower(btrim("email"))),
        CONSTRAINT "PK_users" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "UQ_users_email"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
