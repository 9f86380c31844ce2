import { html, layout } from '../mail/layout.ts';
import { emailJob } from './email-job.ts';

/** Sent once per user after sign-up. */
export const welcome = emailJob('welcome', (p, t) => {
  const greeting = p.name ? `Welcome to Avelon, ${p.name}` : 'Welcome to Avelon';
  const shop = t.link('/');
  return {
    to: p.email,
    subject: greeting,
    text: `${greeting}!\n\nYour account is ready. Start shopping: ${shop}\n`,
    html: layout(greeting, html`<p>Your account is ready. <a href="${shop}">Start shopping</a>.</p>`),
  };
});
