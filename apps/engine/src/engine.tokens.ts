/** Injection token for the validated engine configuration value. */
export const ENGINE_CONFIG = Symbol('ENGINE_CONFIG');
