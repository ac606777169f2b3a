import { OperationalError } from '@s2/base';

/** A server could not be started, did not become ready in time, or a login endpoint refused. */
export class ServerStartError extends OperationalError {
  static override readonly kind: string = 'ServerStartError';
}
