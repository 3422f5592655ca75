import { describe, expect, it } from 'vitest';

import { isTrpcPath } from '../src/server/portal-server';
import { acceptsGzip } from '../src/server/trpc-node';

describe('isTrpcPath', () => {
  it('takes the router’s URLs and nothing that merely starts alike', () => {
    expect(isTrpcPath('/api/trpc')).toBe(true);
    expect(isTrpcPath('/api/trpc/noticeboard.list?input=%7B%7D')).toBe(true);
    expect(isTrpcPath('/api/trpc/noticeboard.list,documents.list?batch=1')).toBe(true);
    expect(isTrpcPath('/api/trpc?batch=1')).toBe(true);
    expect(isTrpcPath('/api/trpcx')).toBe(false);
    expect(isTrpcPath('/api/health')).toBe(false);
    expect(isTrpcPath('/noticeboard')).toBe(false);
    expect(isTrpcPath('/API/trpc/noticeboard.list')).toBe(false);
    expect(isTrpcPath(undefined)).toBe(false);
  });
});

describe('acceptsGzip', () => {
  it('reads Accept-Encoding as the HTTP rules say', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip; q=0.000')).toBe(false);
    expect(acceptsGzip('br, deflate')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
