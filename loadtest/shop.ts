// The shop scenario against any Avelon API (loadtest/src/shop-run.ts says the flow): signed-in shoppers
// arriving at --rate sessions a second (open model) for --duration seconds. Reads the one-time codes from
// the queue Redis the API enqueues them to (REDIS_QUEUE_URL and QUEUE_PREFIX, as scripts/stack/env.sh sets
// them): run it against a stack whose queue you can reach. Auth requests are rate limited per client
// address: against `make up` keep --rate low or raise RATE_LIMIT_AUTH_MAX. Prints per-step latency
// percentiles (ms), failures by status and error code, and the generator's CPU.
//   node loadtest/shop.ts --base-url http://127.0.0.1:15410 --rate 5 --duration 30 [--cart-adds 3]
//   [--seed 1] [--catalogue-file .data/catalogue.json]
import { parseArgs } from 'node:util';
import { catalogueFor } from './src/catalogue.ts';
import { OtpMailbox } from './src/otp-mailbox.ts';
import { runShop } from './src/shop-run.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:15410' },
    rate: { type: 'string', default: '5' },
    duration: { type: 'string', default: '30' },
    'cart-adds': { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'catalogue-file': { type: 'string' },
  },
});
const baseUrl = String(values['base-url']).replace(/\/$/, '');
const rate = Number(values.rate);
const duration = Number(values.duration);
const cartAdds = Number(values['cart-adds']);
if (!(rate > 0) || !(duration > 0) || !(cartAdds >= 1))
  throw new Error('--rate, --duration and --cart-adds must be positive');

const catalogue = await catalogueFor(baseUrl, values['catalogue-file']);
const mailbox = await OtpMailbox.open(
  process.env.REDIS_QUEUE_URL ?? 'redis://127.0.0.1:15405',
  process.env.QUEUE_PREFIX ?? 'avelon',
);
try {
  const r = await runShop({
    baseUrl,
    catalogue,
    mailbox,
    rate,
    durationSeconds: duration,
    cartAdds,
    seed: Number(values.seed),
  });
  console.log(JSON.stringify({ scenario: 'shop', rate, duration, cartAdds, ...r }, null, 2));
} finally {
  await mailbox.close();
}
