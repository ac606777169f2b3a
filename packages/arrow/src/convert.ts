/**
 * The converters to Apache Arrow tables, for code that wants them directly (a frame format
 * built on Arrow, like @s2/polars). Importing this entry loads apache-arrow at once; the package
 * root loads it in the background.
 */
export { rowsToArrow } from './table.js';
export { decodedToArrow } from './decoded.js';
