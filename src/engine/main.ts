/** Entry point of the engine bundle (dist/engine.js): the `ddas` CLI. */
export { main } from './cli/main';
