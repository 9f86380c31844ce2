// `node scripts/mail-sink/main.ts`: the local SMTP sink as a process (make up runs it from
// services.tsv). SMTP on SMTP_PORT, the mails over HTTP on PORT.
import { envInt, loadConfig } from '@avelon/core';
import { startMailSink } from './sink.ts';

const config = loadConfig(
  {
    SMTP_PORT: envInt(15406, 0, 65535).describe('SMTP port the sink listens on (make up: AVELON_SMTP_PORT).'),
    PORT: envInt(15414, 0, 65535).describe('HTTP port where the mails can be read (make up: AVELON_MAIL_PORT).'),
    MAIL_SINK_MAX_MESSAGES: envInt(50_000, 1).describe('Messages kept in memory; the oldest go first.'),
  },
  process.env,
);
const sink = await startMailSink({
  smtpPort: config.SMTP_PORT,
  httpPort: config.PORT,
  maxMessages: config.MAIL_SINK_MAX_MESSAGES,
});
console.log(
  JSON.stringify({
    msg: 'mail sink started',
    smtp: `127.0.0.1:${sink.smtpPort}`,
    mails: `http://127.0.0.1:${sink.httpPort}/`,
  }),
);
const stop = () => sink.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
