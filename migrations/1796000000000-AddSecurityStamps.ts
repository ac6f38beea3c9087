import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The security stamp (issue 12): `users.sessions_valid_after` moves forward whenever the
 * credentials or rights a session was opened on stop being current (password change, disable,
 * role change); each session records the stamp it was opened under, and a session whose stamp is
 * older cannot be refreshed. Millisecond precision, so the value survives a round trip through a
 * JavaScript Date and compares equal.
 */
export class AddSecurityStamps1796000000000 implements MigrationInterface {
  name = 'AddSecurityStamps1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "users" ADD "sessions_valid_after" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await queryRunner.query(`ALTER TABLE "sessions" ADD "user_stamp" TIMESTAMP(3) WITH TIME ZONE`);
    // Sessions alive today stay alive: they were opened under the stamp every user starts with.
    await queryRunner.query(
      `UPDATE "sessions" s SET "user_stamp" = u."sessions_valid_after"
         FROM "users" u WHERE u."id" = s."user_id"`,
    );
    await queryRunner.query(
      `UPDATE "sessions" SET "user_stamp" = now() WHERE "user_stamp" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "user_stamp" SET NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "user_stamp"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "sessions_valid_after"`);
  }
}
