import type { MigrationInterface, QueryRunner } from 'typeorm';
import { domainToASCII } from 'node:url';

/**
 * Issue 12: emails are compared with the local part in NFC and lower case and the domain in its
 * ASCII (IDNA) form. Rewrites the stored emails that hold non-ASCII characters (only those can
 * change) into that form. The rule is copied here, not imported, so this migration keeps doing
 * what it did when the app's rule changes.
 *
 * Two accounts that were distinct before and are one address now (`é` composed and decomposed)
 * cannot both have it: an account already stored in the new form keeps it, else the oldest gets
 * it; the other keeps its stored form (no longer reachable by sign-in; an administrator resolves
 * it). A rewrite the table's CHECK would refuse under the database's own `lower()` is skipped the
 * same way, rather than stop the start.
 */
export class NormalizeUserEmails1796000200100 implements MigrationInterface {
  name = 'NormalizeUserEmails1796000200100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const rows: { id: string; email: string }[] = await queryRunner.query(
      `SELECT "id", "email" FROM "users" WHERE octet_length("email") <> char_length("email")
        ORDER BY "created_at", "id"`,
    );
    for (const { id, email } of rows) {
      const normalized = normalize(email);
      if (normalized === email || normalized.endsWith('@')) continue;
      await queryRunner.query(
        `UPDATE "users" SET "email" = $2
          WHERE "id" = $1 AND $2 = lower(btrim($2))
            AND NOT EXISTS (SELECT FROM "users" WHERE "email" = $2)`,
        [id, normalized],
      );
    }
  }

  /** Nothing to undo: the rewritten form is a valid stored email for the code before it too. */
  async down(): Promise<void> {}
}

function normalize(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const local = email.slice(0, at).normalize('NFC').toLowerCase();
  return `${local}@${domainToASCII(email.slice(at + 1).normalize('NFC'))}`;
}
