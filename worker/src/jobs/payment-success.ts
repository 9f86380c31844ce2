import { html, layout } from '../mail/layout.ts';
import { emailJob } from './email-job.ts';

/** Sent once per payment when it is captured. Shows the order number; links by id. */
export const paymentSuccess = emailJob('payment-success', (p, t) => {
  const url = t.link(`/orders/${p.orderId}`);
  return {
    to: p.email,
    subject: `Payment received for order #${p.orderNumber}`,
    text: `We received your payment (reference ${p.paymentId}) for order #${p.orderNumber}.\nSee your order: ${url}\n`,
    html: layout(
      'Payment received',
      html`<p>We received your payment (reference <strong>${p.paymentId}</strong>) for order
<strong>#${p.orderNumber}</strong>.</p>
<p><a href="${url}">See your order</a></p>`,
    ),
  };
});
