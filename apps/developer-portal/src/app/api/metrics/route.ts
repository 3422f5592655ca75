import { handleMetricsRequest } from '@openhouse/api/server';

export const dynamic = 'force-dynamic';
export const GET = handleMetricsRequest;
