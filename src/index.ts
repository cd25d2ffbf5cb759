/**
 * chainhunt's library entry point. The CLI (`chainhunt`) is built on the same functions.
 */
export * from './core/index.js';
