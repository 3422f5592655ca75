export { onRequestError, register } from '@openhouse/api/instrumentation';
