import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (issue 13, ADR 0015): a mail is a row written in the transaction of
 * the change it carries; the worker claims due rows with a lease (`locked_until`) and marks them
 * sent or failed. The bodies are erased once the row is done: they may hold a link token.
 */
export class CreateMailOutbox1796100000000 implements MigrationInterface {
  name = 'CreateMailOutbox1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "mail_outbox" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "template" character varying(40) NOT NULL,
        "recipient" character varying(254) NOT NULL,
        "subject" character varying(200) NOT NULL,
        "text_body" text,
        "html_body" text,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "failed_at" TIMESTAMP WITH TIME ZONE,
        "last_error" character varying(500),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_mail_outbox" PRIMARY KEY ("id")
      )`);
    // Only what is still to send is indexed: the worker's one query reads nothing else.
    await queryRunner.query(`
      CREATE INDEX "IDX_mail_outbox_due" ON "mail_outbox" ("next_attempt_at")
       WHERE "sent_at" IS NULL AND "failed_at" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mail_outbox"`);
  }
}
