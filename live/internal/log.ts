/** The live service logs like the indexer: one JSON object per line, snake_case fields. */
export { createLogger, silentLogger, type Logger, type LogFields } from '../../indexer/internal/log.js';
export { describeError } from '../../indexer/internal/errors.js';
