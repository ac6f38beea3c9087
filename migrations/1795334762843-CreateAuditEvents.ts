import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvents1795334762843 implements MigrationInterface {
  name = 'CreateAuditEvents1795334762843';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No foreign keys on user_id and actor_id: the trail outlives the accounts it names.
    await queryRunner.query(`
      CREATE TABLE "audit_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "type" character varying(64) NOT NULL,
        "user_id" uuid,
        "actor_id" uuid,
        "ip" character varying(64),
        "user_agent" character varying(512),
        "details" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_audit_events" PRIMARY KEY ("id")
      )`);
    // The admin listing: one user's events, or one type's, newest first.
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_user_id_created_at" ON "audit_events" ("user_id", "created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_type_created_at" ON "audit_events" ("type", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
