import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderConfirmation } from './order-confirmation.ts';
import { orderShipped } from './order-shipped.ts';
import { otpCode } from './otp-code.ts';
import { paymentSuccess } from './payment-success.ts';
import { welcome } from './welcome.ts';

const t = { link: (path: string) => `http://shop.test${path}` };

// Each case: a rendered mail, and what its subject, text and HTML must say.
const cases = [
  {
    what: 'otp code',
    mail: otpCode.render({ email: 'a@b.test', code: '123456', expiresInSeconds: 600 }, t),
    subject: /123456/,
    body: [/123456/, /10 minutes/],
  },
  {
    what: 'welcome with a name',
    mail: welcome.render({ userId: 1, email: 'a@b.test', name: 'Ada' }, t),
    subject: /Welcome to Avelon, Ada/,
    body: [/http:\/\/shop\.test\//],
  },
  {
    what: 'welcome without a name',
    mail: welcome.render({ userId: 1, email: 'a@b.test', name: null }, t),
    subject: /^Welcome to Avelon$/,
    body: [/account is ready/],
  },
  {
    what: 'order confirmation',
    mail: orderConfirmation.render({ orderId: 9, orderNumber: 150009, userId: 1, email: 'a@b.test' }, t),
    subject: /^Order #150009 confirmed$/,
    body: [/#150009/, /\/orders\/9\b/],
  },
  {
    what: 'order shipped',
    mail: orderShipped.render({ orderId: 9, orderNumber: 150009, userId: 1, email: 'a@b.test' }, t),
    subject: /^Order #150009 has shipped$/,
    body: [/on its way/, /#150009/, /\/orders\/9\b/],
  },
  {
    what: 'payment success',
    mail: paymentSuccess.render({ paymentId: 5, orderId: 9, orderNumber: 150009, userId: 1, email: 'a@b.test' }, t),
    subject: /^Payment received for order #150009$/,
    body: [/reference 5|<strong>5<\/strong>/, /#150009/, /\/orders\/9\b/],
  },
];

for (const c of cases) {
  test(`${c.what}: subject, text and HTML carry the payload`, () => {
    assert.equal(c.mail.to, 'a@b.test');
    assert.match(c.mail.subject, c.subject);
    for (const want of c.body) {
      assert.match(c.mail.text, want);
      assert.match(c.mail.html, want);
    }
    assert.match(c.mail.html, /^<!doctype html>/);
  });
}

test('order mails never show the order id as the number the customer sees', () => {
  for (const c of cases.filter((x) => /order|payment/.test(x.what))) {
    assert.doesNotMatch(c.mail.subject, /#9\b/, c.what);
    assert.doesNotMatch(c.mail.text, /#9\b/, c.what);
  }
});

test('text from the payload is escaped in HTML', () => {
  const mail = welcome.render({ userId: 1, email: 'a@b.test', name: '<script>alert(1)</script>' }, t);
  assert.doesNotMatch(mail.html, /<script>/);
  assert.match(mail.html, /&#60;script&#62;/);
});
