import { type JobKind, type JobPayload, jobPayloads } from '@avelon/core';
import type { RenderedMail } from '../mail/mail.ts';
import { messageIdFor } from '../mail/message-id.ts';
import type { JobHandler } from './job-handler.ts';

/** What a mail template may know besides the payload. */
export interface TemplateContext {
  /** Builds an absolute link into the shop. */
  link(path: string): string;
}

/** A job whose effect is one mail: render the template, send it with the job's own Message-ID. */
export function emailJob<K extends JobKind>(
  kind: K,
  render: (payload: JobPayload<K>, t: TemplateContext) => RenderedMail,
): JobHandler<K> & { render: typeof render } {
  return {
    kind,
    schema: jobPayloads[kind],
    render,
    run(payload, ctx) {
      const mail = render(payload, { link: (path) => new URL(path, ctx.siteUrl).toString() });
      return ctx.mailer.send({ ...mail, messageId: messageIdFor(kind, ctx.entityKey, ctx.messageIdDomain) });
    },
  };
}
