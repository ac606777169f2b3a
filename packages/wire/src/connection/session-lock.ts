import { Semaphore } from '@s2/base';

/**
 * Serialises the commands of one session: one holder at a time, the others in call order; an
 * idle session is taken synchronously (`tryAcquire`), so a command costs no promise when
 * nothing is ahead of it. A release hands the session straight to the next waiter.
 */
export class SessionLock extends Semaphore {
  constructor() {
    super(1);
  }
}
