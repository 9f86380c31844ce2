import { html, layout } from '../mail/layout.ts';
import { emailJob } from './email-job.ts';

/** Sent once per order when it leaves the warehouse. */
export const orderShipped = emailJob('order-shipped', (p, t) => {
  const url = t.link(`/orders/${p.orderId}`);
  return {
    to: p.email,
    subject: `Order #${p.orderId} has shipped`,
    text: `Good news: your order #${p.orderId} is on its way.\nTrack it: ${url}\n`,
    html: layout(
      `Order #${p.orderId} has shipped`,
      html`<p>Good news: your order <strong>#${p.orderId}</strong> is on its way.</p>
<p><a href="${url}">Track your order</a></p>`,
    ),
  };
});
