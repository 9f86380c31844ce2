// The job kinds this worker runs, one file each, mapped by the kind name BullMQ stores as the job name.
import { inAppNotification } from './in-app-notification.ts';
import type { JobHandlers } from './job-handler.ts';
import { orderConfirmation } from './order-confirmation.ts';
import { orderShipped } from './order-shipped.ts';
import { otpCode } from './otp-code.ts';
import { paymentSuccess } from './payment-success.ts';
import { welcome } from './welcome.ts';

export const jobHandlers: JobHandlers = {
  'otp-code': otpCode,
  welcome,
  'order-confirmation': orderConfirmation,
  'order-shipped': orderShipped,
  'payment-success': paymentSuccess,
  'in-app-notification': inAppNotification,
};
