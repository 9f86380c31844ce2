import { html, layout } from '../mail/layout.ts';
import { emailJob } from './email-job.ts';

/** Sent once per payment when it is captured. */
export const paymentSuccess = emailJob('payment-success', (p, t) => {
  const url = t.link(`/orders/${p.orderId}`);
  return {
    to: p.email,
    subject: `Payment received for order #${p.orderId}`,
    text: `We received your payment (reference ${p.paymentId}) for order #${p.orderId}.\nSee your order: ${url}\n`,
    html: layout(
      'Payment received',
      html`<p>We received your payment (reference <strong>${p.paymentId}</strong>) for order
<strong>#${p.orderId}</strong>.</p>
<p><a href="${url}">See your order</a></p>`,
    ),
  };
});
