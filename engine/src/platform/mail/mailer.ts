import { Schema, type Model } from 'mongoose';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger/logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  kind: 'invitation' | 'password_reset';
}

interface OutboxDoc extends Mail {
  createdAt: Date;
  sentAt: Date | null;
  error: string | null;
}

const outboxSchema = new Schema<OutboxDoc>(
  {
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    error: { type: String, default: null },
  },
  { collection: 'mail_outbox', versionKey: false },
);
outboxSchema.index({ to: 1, createdAt: -1 });

/**
 * Every mail is first written to the platform's outbox (so nothing is lost and support can see
 * what was sent), then handed to SMTP when `SMTP_URL` is configured. Without SMTP, on a
 * development machine, the mail is written to the log so the link can be followed.
 */
export class Mailer {
  private readonly outbox: Model<OutboxDoc>;
  private readonly transport: Transporter | null;

  constructor(
    db: Database,
    private readonly logger: Logger,
    smtp: { url: string | null; from: string },
  ) {
    this.outbox = db.definePlatformModel('MailOutbox', outboxSchema);
    this.transport = smtp.url ? nodemailer.createTransport(smtp.url, { from: smtp.from }) : null;
  }

  async send(mail: Mail): Promise<void> {
    const doc = await this.outbox.create({ ...mail, createdAt: new Date(), sentAt: null, error: null });
    if (!this.transport) {
      this.logger.info({ mail: { to: mail.to, subject: mail.subject, kind: mail.kind }, text: mail.text }, 'mail (no SMTP configured)');
      return;
    }
    try {
      await this.transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      await this.outbox.updateOne({ _id: doc._id }, { $set: { sentAt: new Date() } });
    } catch (error) {
      // The request that asked for the mail still succeeds: the outbox keeps it with its error.
      this.logger.error({ err: error, to: mail.to, kind: mail.kind }, 'mail delivery failed');
      await this.outbox.updateOne({ _id: doc._id }, { $set: { error: String(error) } });
    }
  }

  /** The latest mail to an address; used by the demo and tests to follow invitation links. */
  async latestTo(to: string, kind: Mail['kind']): Promise<Mail | null> {
    return this.outbox.findOne({ to, kind }).sort({ createdAt: -1 }).lean();
  }
}
