export { cachedEnvLoader, EnvError, parseEnv } from './parse';
export type { EnvSource } from './parse';
export { isStartupRefusal, StartupRefusal } from './refusal';
export { httpUrl, tcpPort, wholeNumber } from './schemas';
export { processSingleton } from './singleton';
