export { sharedRegistry, sharedSlot } from './shared.js';
