// The scratch database + Data API gateway helper is shared with the @s2/kysely tests.
export { Scratch, type Route } from '../../kysely/test/support.js';
