import { handleReadyRequest } from '@openhouse/api/server';

export const dynamic = 'force-dynamic';
export const GET = handleReadyRequest;
