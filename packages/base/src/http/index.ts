export { isRedirect, redirectTarget } from './redirect.js';
