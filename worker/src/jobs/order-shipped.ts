import { html, layout } from '../mail/layout.ts';
import { emailJob } from './email-job.ts';

/** Sent once per order when it leaves the warehouse. Shows the order number; links by id. */
export const orderShipped = emailJob('order-shipped', (p, t) => {
  const url = t.link(`/orders/${p.orderId}`);
  return {
    to: p.email,
    subject: `Order #${p.orderNumber} has shipped`,
    text: `Good news: your order #${p.orderNumber} is on its way.\nTrack it: ${url}\n`,
    html: layout(
      `Order #${p.orderNumber} has shipped`,
      html`<p>Good news: your order <strong>#${p.orderNumber}</strong> is on its way.</p>
<p><a href="${url}">Track your order</a></p>`,
    ),
  };
});
