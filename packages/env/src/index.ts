export { EnvError, parseEnv } from './parse';
export type { EnvSource } from './parse';
export { isStartupRefusal, StartupRefusal } from './refusal';
export { httpUrl, wholeNumber } from './schemas';
export { processSingleton } from './singleton';
