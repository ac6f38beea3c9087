import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { mailConfig } from '../config/mail.config.js';

export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Hands one mail over for delivery; throws when it was not accepted. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP (nodemailer's pool, timeouts short enough to end well within the worker's lease), or,
 * without MAIL_URL, `.eml` files under `DATA_DIR/mail` that a newcomer can open.
 */
export function createMailTransport(config: ConfigType<typeof mailConfig>): MailTransport {
  if (config.mode === 'smtp') {
    const transport = nodemailer.createTransport({
      url: config.url,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      send: async (mail) => {
        await transport.sendMail(message(config.from, mail));
      },
      close: () => transport.close(),
    };
  }
  const logger = new Logger('Mail');
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    send: async (mail) => {
      const info = await composer.sendMail(message(config.from, mail));
      await mkdir(config.directory, { recursive: true });
      const file = join(
        config.directory,
        `${new Date().toISOString().replace(/:/g, '-')}-${mail.id}.eml`,
      );
      await writeFile(file, info.message as Buffer);
      logger.log(
        `Mail "${mail.subject}" written to ${file} (no MAIL_URL: open it to follow its link)`,
      );
    },
    close: () => composer.close(),
  };
}

function message(from: string, mail: OutgoingMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // Retries of one outbox row carry one Message-ID, so a receiver can tell them apart.
    messageId: `<${mail.id}@sentinel>`,
  };
}
