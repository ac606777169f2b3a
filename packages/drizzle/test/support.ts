// The scratch database + Data API gateway helper and the stream reader are shared with the @s2/kysely tests.
export { readWideStream, Scratch, type Route } from '../../kysely/test/support.js';
