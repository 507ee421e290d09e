export const RECORDER_CONFIG = Symbol('RECORDER_CONFIG');
