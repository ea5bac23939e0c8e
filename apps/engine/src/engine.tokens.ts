/** Injection token for the validated engine configuration value. */
export const ENGINE_CONFIG = Symbol('ENGINE_CONFIG');
/** The engine's root pino logger. */
export const ENGINE_LOGGER = Symbol('ENGINE_LOGGER');
/** Builds whatsapp-web.js clients; tests put an in-process fake here. */
export const WHATSAPP_CLIENT_FACTORY = Symbol('WHATSAPP_CLIENT_FACTORY');
