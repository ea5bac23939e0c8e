/** The version reported by `/api/health` and the OpenAPI document; kept equal to package.json. */
export const APP_VERSION = '0.1.0';
