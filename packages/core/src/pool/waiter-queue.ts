import type { Connection } from '../connection/connection.js';

export interface Waiter {
  resolve: (c: Connection) => void;
  reject: (e: Error) => void;
  /** When its acquire timeout fires (Date.now() ms). */
  deadline: number;
  /** A one-shot statement that may share a connection with others (pipelining). */
  shared?: boolean;
}

/**
 * Borrowers waiting for a connection, first come first served. Every waiter gets the same
 * acquire timeout, so deadlines never decrease from head to tail: the expired ones are always
 * at the head, and one timer (armed for the head) serves the whole queue. Taking from the
 * head moves an index instead of shifting the array, so a thousand waiters cost O(1) each.
 */
export class WaiterQueue {
  private items: (Waiter | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(waiter: Waiter): void {
    this.items.push(waiter);
  }

  peek(): Waiter | undefined {
    return this.items[this.head];
  }

  shift(): Waiter | undefined {
    if (this.head >= this.items.length) return undefined;
    const waiter = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      // Drop the consumed front now and then, so the array does not grow for ever.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return waiter;
  }

  /** Puts a waiter back at the front (its deadline is the earliest, so the order holds). */
  unshift(waiter: Waiter): void {
    if (this.head > 0) this.items[--this.head] = waiter;
    else this.items.unshift(waiter);
  }

  /** Removes and returns every waiter. */
  takeAll(): Waiter[] {
    const all = this.items.slice(this.head) as Waiter[];
    this.items = [];
    this.head = 0;
    return all;
  }
}
