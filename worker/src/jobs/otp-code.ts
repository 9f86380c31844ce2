import { html, layout } from '../mail/layout.ts';
import { emailJob } from './email-job.ts';

/** A one-time sign-in code. Each code is its own job (its entity key includes the code). */
export const otpCode = emailJob('otp-code', (p) => {
  const minutes = Math.max(1, Math.ceil(p.expiresInSeconds / 60));
  const subject = `Your Avelon sign-in code: ${p.code}`;
  return {
    to: p.email,
    subject,
    text: `Your sign-in code is ${p.code}.\nIt expires in ${minutes} minute${minutes === 1 ? '' : 's'}.\nIf you did not ask for it, ignore this mail.\n`,
    html: layout(
      'Your sign-in code',
      html`<p style="font-size: 2em; letter-spacing: 0.2em"><strong>${p.code}</strong></p>
<p>It expires in ${minutes} minute${minutes === 1 ? '' : 's'}. If you did not ask for it, ignore this mail.</p>`,
    ),
  };
});
