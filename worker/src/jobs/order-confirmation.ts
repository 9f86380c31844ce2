import { html, layout } from '../mail/layout.ts';
import { emailJob } from './email-job.ts';

/** Sent once per order when it is placed. Shows the order number the customer knows; links by id. */
export const orderConfirmation = emailJob('order-confirmation', (p, t) => {
  const url = t.link(`/orders/${p.orderId}`);
  return {
    to: p.email,
    subject: `Order #${p.orderNumber} confirmed`,
    text: `Thank you for your order #${p.orderNumber}.\nWe will tell you when it ships.\nSee your order: ${url}\n`,
    html: layout(
      `Order #${p.orderNumber} confirmed`,
      html`<p>Thank you for your order <strong>#${p.orderNumber}</strong>. We will tell you when it ships.</p>
<p><a href="${url}">See your order</a></p>`,
    ),
  };
});
