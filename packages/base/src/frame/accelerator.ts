import { sharedSlot } from '../registry/shared.js';
import type { BatchDecoder } from './decoder.js';

/** Why the accelerator is or is not in use (`nativeStatus()`), for diagnostics and bug reports. */
export interface AcceleratorStatus {
  loaded: boolean;
  /** Where the binary came from, or why none was loaded. */
  source: string;
  /** Platform triple the loader looked for, e.g. `linux-x64-gnu`. */
  triple: string;
  version: string | null;
}

/** What an accelerator package (`@s2/native`) registers when it is imported. */
export interface Accelerator {
  status(): AcceleratorStatus;
  /** Its batch decoder, or null when the binary is not loaded. */
  decoder(): BatchDecoder | null;
}

const slot = () => sharedSlot('accelerator', () => ({ current: null as Accelerator | null }));

/** Called by `@s2/native` on import; the last registration wins. */
export function registerAccelerator(accelerator: Accelerator): void {
  slot().current = accelerator;
}

/** The registered accelerator, or null when no accelerator package has been loaded. */
export function registeredAccelerator(): Accelerator | null {
  return slot().current;
}
