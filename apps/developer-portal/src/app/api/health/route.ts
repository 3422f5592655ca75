import { handleHealthRequest } from '@openhouse/api/server';

export const dynamic = 'force-dynamic';
export const GET = handleHealthRequest;
