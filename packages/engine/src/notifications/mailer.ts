import { LupausError } from '@lupaus/core';
import nodemailer from 'nodemailer';

/** What sends the outbox's notices: SMTP in a register, the same SMTP (an in-process server) in tests. */
export interface Mailer {
  send(m: { to: string; subject: string; text: string }): Promise<{ messageId: string }>;
}

/** The environment variable naming the register's SMTP server (`smtp://host:port`, `smtps://user:pass@host`). */
export const SMTP_URL_ENV = 'LUPAUS_SMTP_URL';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * A mailer sending through an SMTP server with nodemailer. `smtp://host:port` speaks plain SMTP and upgrades to
 * TLS when the server offers it, except on localhost, where it stays plain (a local relay or a test server);
 * `smtps://` is TLS from the start. `from` is the sender (the controller's contact address).
 *
 * @example
 * ```ts
 * const mailer = smtpMailer('smtp://127.0.0.1:2525', 'tietosuoja@example.fi');
 * await mailer.send({ to: 'perinta@example.fi', subject: 'Oikaisu', text: '...' });
 * ```
 */
export function smtpMailer(url: string, from?: string): Mailer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: SMTP_URL_ENV, message: 'the SMTP address is a URL like smtp://host:port' },
    ]);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new LupausError('VALIDATION_FAILED', {}, [
      {
        at: SMTP_URL_ENV,
        message: `the SMTP address starts with smtp:// or smtps://, not ${parsed.protocol}//`,
      },
    ]);
  }
  const secure = parsed.protocol === 'smtps:';
  const local = LOCAL_HOSTS.has(parsed.hostname);
  const transport = nodemailer.createTransport({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (secure ? 465 : 25) : Number(parsed.port),
    secure,
    ignoreTLS: !secure && local,
    ...(parsed.username
      ? {
          auth: {
            user: decodeURIComponent(parsed.username),
            pass: decodeURIComponent(parsed.password),
          },
        }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(m) {
      const info = await transport.sendMail({
        ...(from ? { from } : {}),
        to: m.to,
        subject: m.subject,
        text: m.text,
      });
      return { messageId: String(info.messageId) };
    },
  };
}

/**
 * The register's mailer from the environment (`LUPAUS_SMTP_URL`), or null when none is configured.
 *
 * @example
 * ```ts
 * const mailer = mailerFromEnv('tietosuoja@example.fi'); // null without LUPAUS_SMTP_URL
 * ```
 */
export function mailerFromEnv(from?: string, env: NodeJS.ProcessEnv = process.env): Mailer | null {
  const url = env[SMTP_URL_ENV];
  return url ? smtpMailer(url, from) : null;
}
