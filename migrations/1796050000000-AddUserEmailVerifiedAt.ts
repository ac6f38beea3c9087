import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the user proved the address is theirs (a verification link, a password reset mail, a
 * provider that vouches for it, or an administrator); null while unproven. Accounts that exist
 * today start unverified: nothing has proven their addresses yet.
 */
export class AddUserEmailVerifiedAt1796050000000 implements MigrationInterface {
  name = 'AddUserEmailVerifiedAt1796050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "email_verified_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
