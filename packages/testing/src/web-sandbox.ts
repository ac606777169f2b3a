import { type Context, createContext } from 'node:vm';

/**
 * A vm context holding only what the web platform offers (fetch and its classes, URL, text
 * codecs, abort, timers, base64, structuredClone, console): no process, Buffer or require. Code
 * run in it proves a bundle works in a browser, worker or edge runtime without Node globals.
 */
export function webOnlyContext(): Context {
  return createContext({
    fetch,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    AbortController,
    AbortSignal,
    Response,
    Headers,
    Request,
    setTimeout,
    clearTimeout,
    btoa,
    atob,
    console,
    queueMicrotask,
    structuredClone,
  });
}
