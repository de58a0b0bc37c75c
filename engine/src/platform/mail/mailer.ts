import { Schema, type Model, type Types } from 'mongoose';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger/logger.js';
import { decryptSecret, encryptSecret } from '../crypto/secrets.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  kind: 'invitation' | 'password_reset';
}

/**
 * The body is stored sealed with the engine's encryption key (AES-256-GCM): invitation and reset
 * mails carry live sign-in links, and whoever can read the database must not be able to use them.
 */
interface OutboxDoc extends Omit<Mail, 'text'> {
  sealedText: string;
  createdAt: Date;
  sentAt: Date | null;
  error: string | null;
}

const outboxSchema = new Schema<OutboxDoc>(
  {
    to: { type: String, required: true },
    subject: { type: String, required: true },
    sealedText: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    error: { type: String, default: null },
  },
  { collection: 'mail_outbox', versionKey: false },
);
outboxSchema.index({ to: 1, createdAt: -1 });

export interface MailerOptions {
  /** The engine's ENCRYPTION_KEY: seals mail bodies in the outbox. */
  key: Buffer;
  /** Without SMTP, write mail bodies (and their links) to the log: on a development machine only. */
  logBodies: boolean;
}

/**
 * Every mail is first written to the platform's outbox (so nothing is lost and support can see
 * what was sent, to whom and when), then handed to SMTP when `SMTP_URL` is configured. Without
 * SMTP, on a development machine, the mail is written to the log so the link can be followed;
 * in production its links never reach the log.
 */
export class Mailer {
  private readonly outbox: Model<OutboxDoc>;
  private readonly transport: Transporter | null;

  constructor(
    db: Database,
    private readonly logger: Logger,
    smtp: { url: string | null; from: string },
    private readonly options: MailerOptions,
  ) {
    this.outbox = db.definePlatformModel('MailOutbox', outboxSchema);
    this.transport = smtp.url ? nodemailer.createTransport(smtp.url, { from: smtp.from }) : null;
  }

  /**
   * Resolves once the mail is in the outbox; SMTP delivery goes on after, so a slow or silent mail
   * server never holds the request that asked for the mail (nor shows in its timing).
   */
  async send(mail: Mail): Promise<void> {
    const { text, ...envelope } = mail;
    const doc = await this.outbox.create({ ...envelope, sealedText: encryptSecret(text, this.options.key), createdAt: new Date(), sentAt: null, error: null });
    const transport = this.transport;
    if (!transport) {
      this.logger.info({ mail: envelope, ...(this.options.logBodies ? { text } : {}) }, 'mail (no SMTP configured)');
      return;
    }
    void this.deliver(transport, doc._id, mail).catch((error: unknown) => this.logger.error({ err: error, to: mail.to, kind: mail.kind }, 'mail outcome not recorded'));
  }

  private async deliver(transport: Transporter, id: Types.ObjectId, mail: Mail): Promise<void> {
    try {
      await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      await this.outbox.updateOne({ _id: id }, { $set: { sentAt: new Date() } });
    } catch (error) {
      // The request that asked for the mail has succeeded: the outbox keeps it with its error.
      this.logger.error({ err: error, to: mail.to, kind: mail.kind }, 'mail delivery failed');
      await this.outbox.updateOne({ _id: id }, { $set: { error: String(error) } });
    }
  }

  /** The latest mail to an address; used by the demo and tests to follow invitation links. */
  async latestTo(to: string, kind: Mail['kind']): Promise<Mail | null> {
    const doc = await this.outbox.findOne({ to, kind }).sort({ createdAt: -1 }).lean();
    return doc ? { to: doc.to, subject: doc.subject, kind: doc.kind, text: decryptSecret(doc.sealedText, this.options.key) } : null;
  }
}
