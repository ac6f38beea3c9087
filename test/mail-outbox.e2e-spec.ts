import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { mailConfig } from '../src/config/mail.config.js';
import { EmailTokensCleanup } from '../src/auth/email/email-tokens-cleanup.js';
import { MailOutboxCleanup } from '../src/mail/mail-outbox-cleanup.js';
import { MailOutboxWorker } from '../src/mail/mail-outbox.worker.js';
import { registerUser } from './factories/user.factory.js';
import { createSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A counter's value in the app's /metrics. */
async function mailMetric(t: TestApp, outcome: string): Promise<number> {
  const { text } = await t.http.get('/metrics').expect(200);
  const match = new RegExp(
    `^sentinel_mail_deliveries_total\\{outcome="${outcome}"\\} (\\d+)`,
    'm',
  ).exec(text);
  return Number(match?.[1] ?? NaN);
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await sleep(50);
  }
}

async function outboxRows(t: TestApp) {
  return t.app
    .get(DataSource)
    .query<{ recipient: string; attempts: number; sent_at: Date | null; failed_at: Date | null }[]>(
      'SELECT recipient, attempts, sent_at, failed_at, text_body FROM mail_outbox',
    );
}

describe('the mail outbox', () => {
  let t: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    // Starts down: the first test plays the outage.
    smtp = await createSmtpSink({ listening: false });
    t = await createTestApp({
      MAIL_URL: smtp.url,
      MAIL_RETRY_DELAY: '1s',
      MAIL_POLL_INTERVAL: '1s',
      MAIL_MAX_ATTEMPTS: '20',
    });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('accepts requests while SMTP is down, and delivers exactly once when it is back', async () => {
    const user = await registerUser(t.http);
    await until(async () => (await mailMetric(t, 'retrying')) >= 1);
    expect(smtp.to(user.email)).toHaveLength(0);

    await smtp.start();
    const [mail] = await smtp.waitFor(user.email);
    expect(mail.subject).toBe('Confirm your email address');
    // Later polls must not send it again.
    await sleep(2_500);
    expect(smtp.to(user.email)).toHaveLength(1);
    const [row] = (await outboxRows(t)).filter((r) => r.recipient === user.email);
    expect(row.sent_at).not.toBeNull();
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    // The link token does not outlive its delivery in the database.
    expect((row as unknown as { text_body: string | null }).text_body).toBeNull();
  });

  it('loses nothing across a restart: mail queued before it is delivered after it, once', async () => {
    await smtp.stop();
    const user = await registerUser(t.http);
    await until(async () =>
      (await outboxRows(t)).some((r) => r.recipient === user.email && r.attempts >= 1),
    );
    t = await t.restart();
    await smtp.start();
    await smtp.waitFor(user.email);
    await sleep(2_500);
    expect(smtp.to(user.email)).toHaveLength(1);
  });

  it('two workers on one outbox (two instances on PostgreSQL) send every mail exactly once', async () => {
    const dataSource = t.app.get(DataSource);
    let second: { stop(): Promise<void> };
    if (t.database.isServer) {
      // A second instance of the app on the same database.
      Object.assign(process.env, t.env);
      const app: NestFastifyApplication = await createApp();
      await app.init();
      second = { stop: () => app.close() };
    } else {
      // The embedded database admits one process: a second worker in this one, on its one pool.
      const worker = new MailOutboxWorker(
        dataSource,
        t.app.get(EventEmitter2),
        t.app.get<ConfigType<typeof mailConfig>>(mailConfig.KEY),
      );
      worker.onApplicationBootstrap();
      second = { stop: () => worker.beforeApplicationShutdown() };
    }
    try {
      const count = 120;
      await dataSource.query(
        `INSERT INTO mail_outbox (template, recipient, subject, text_body, html_body)
         SELECT 'bulk', 'bulk-' || g || '@example.com', 'Bulk ' || g, 'text ' || g,
                '<p>html ' || g || '</p>'
           FROM generate_series(1, $1::int) g`,
        [count],
      );
      await until(
        async () =>
          smtp.received.filter((mail) => mail.subject.startsWith('Bulk ')).length >= count,
        60_000,
      );
      await sleep(2_500);
      const bulk = smtp.received.filter((mail) => mail.subject.startsWith('Bulk '));
      expect(bulk).toHaveLength(count);
      expect(new Set(bulk.map((mail) => mail.to[0])).size).toBe(count);
      const [{ sent }] = await dataSource.query(
        `SELECT count(*)::int AS sent FROM mail_outbox WHERE template = 'bulk' AND sent_at IS NOT NULL`,
      );
      expect(sent).toBe(count);
    } finally {
      await second.stop();
    }
  });

  it('cleans up: outbox rows done over 30 days ago, spent or expired link tokens; nothing else', async () => {
    const dataSource = t.app.get(DataSource);
    await dataSource.query(
      `INSERT INTO mail_outbox (template, recipient, subject, sent_at, failed_at, text_body)
       VALUES ('old', 'old-sent@example.com', 'x', now() - interval '31 days', NULL, NULL),
              ('old', 'old-failed@example.com', 'x', NULL, now() - interval '31 days', NULL),
              ('old', 'recent@example.com', 'x', now() - interval '29 days', NULL, NULL)`,
    );
    expect(await t.app.get(MailOutboxCleanup).run()).toBe(2);
    const left: { recipient: string }[] = await dataSource.query(
      `SELECT recipient FROM mail_outbox WHERE template = 'old'`,
    );
    expect(left.map((row) => row.recipient)).toEqual(['recent@example.com']);

    const user = await registerUser(t.http);
    await dataSource.query(
      `INSERT INTO email_tokens (user_id, purpose, token_hash, email, expires_at, used_at)
       VALUES ($1, 'password_reset', repeat('a', 64), $2, now() - interval '1 second', NULL),
              ($1, 'email_change', repeat('b', 64), $2, now() + interval '1 hour', now())`,
      [user.id, user.email],
    );
    const before: { n: number }[] = await dataSource.query(
      'SELECT count(*)::int AS n FROM email_tokens WHERE user_id = $1',
      [user.id],
    );
    // Those two go; the registration's live verification token stays.
    expect(await t.app.get(EmailTokensCleanup).run()).toBe(2);
    const after: { n: number }[] = await dataSource.query(
      'SELECT count(*)::int AS n FROM email_tokens WHERE user_id = $1',
      [user.id],
    );
    expect(after[0].n).toBe(before[0].n - 2);
    expect(after[0].n).toBe(1);
  });

  it('marks a mail failed after MAIL_MAX_ATTEMPTS, visible in the metrics, and sends it never', async () => {
    t = await t.restart({ MAIL_MAX_ATTEMPTS: '2' });
    await smtp.stop();
    const user = await registerUser(t.http);
    await until(async () => (await mailMetric(t, 'failed')) === 1);
    const [row] = (await outboxRows(t)).filter((r) => r.recipient === user.email);
    expect(row.failed_at).not.toBeNull();
    expect(row.sent_at).toBeNull();
    expect(row.attempts).toBe(2);
    await smtp.start();
    await sleep(2_500);
    expect(smtp.to(user.email)).toHaveLength(0);
  });
});
