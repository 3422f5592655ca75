import { z } from 'zod';

/** Variables arrive as strings: a whole number at least `min`, each message naming the variable. */
export const wholeNumber = (name: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`));

/** An http(s) URL; `what` names it in the message (`SENTRY_DSN must be an http(s) DSN URL`). */
export const httpUrl = (name: string, what = 'URL') =>
  z.url({ protocol: /^https?$/, error: `${name} must be an http(s) ${what}` });

/** A TCP port: a whole number from 1 to 65535, the message naming the variable. */
export const tcpPort = (name: string) => {
  const message = `${name} must be a port number (1-65535)`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(1, message).max(65_535, message));
};
