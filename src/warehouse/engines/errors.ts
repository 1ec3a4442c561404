import { WrappedError } from '../../errors.js';

/** An engine could not be reached, set up or used (not a model's own error). */
export class EngineError extends WrappedError {}
