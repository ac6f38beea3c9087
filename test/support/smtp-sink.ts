import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.js';

/** A mail as it arrived: the SMTP envelope and the parsed message. */
export interface ReceivedMail {
  /** RCPT TO addresses of the envelope. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server (`smtp-server`) on a loopback port, parsing what arrives with `mailparser`.
 * `stop()` and `start()` again on the same port play an outage.
 */
export interface SmtpSink {
  port: number;
  /** `smtp://user:password@127.0.0.1:<port>` for MAIL_URL. */
  url: string;
  received: ReceivedMail[];
  /** Mails sent to this address so far. */
  to(address: string): ReceivedMail[];
  /** Waits until `count` mails to `address` arrived (and returns them), or fails after `ms`. */
  waitFor(address: string, count?: number, ms?: number): Promise<ReceivedMail[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createSmtpSink({
  listening = true,
  port: given,
}: { listening?: boolean; port?: number } = {}): Promise<SmtpSink> {
  const port = given ?? (await freePort());
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  const to = (address: string) => received.filter((mail) => mail.to.includes(address));

  const sink: SmtpSink = {
    port,
    url: `smtp://sentinel:smtp-password@127.0.0.1:${port}`,
    received,
    to,
    async waitFor(address, count = 1, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (to(address).length < count) {
        if (Date.now() > deadline) {
          throw new Error(`${to(address).length} of ${count} mails to ${address} after ${ms} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return to(address);
    },
    async start() {
      server = new SMTPServer({
        // Plain SMTP on loopback: no STARTTLS, so nodemailer does not try to upgrade.
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        logger: false,
        // Stopping must not wait 30 s for the app's pooled connections to leave.
        closeTimeout: 200,
        onAuth(auth, _session, callback) {
          if (auth.username === 'sentinel' && auth.password === 'smtp-password') {
            callback(null, { user: auth.username });
          } else {
            callback(new Error('Invalid username or password'));
          }
        },
        onData(stream, session, callback) {
          simpleParser(stream)
            .then((parsed) => {
              received.push({
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                messageId: parsed.messageId ?? '',
                parsed,
              });
              callback();
            })
            .catch(callback);
        },
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  if (listening) await sink.start();
  return sink;
}

/** The link token in a mail's text part (the `token` parameter of its one link). */
export function linkToken(mail: ReceivedMail): string {
  const match = /[?&]token=([A-Za-z0-9_-]{43})\b/.exec(mail.text);
  if (!match) throw new Error(`No link token in "${mail.subject}"`);
  return match[1];
}
