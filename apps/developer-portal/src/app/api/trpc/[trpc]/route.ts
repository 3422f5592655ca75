import { handleTrpcRequest } from '@openhouse/api/server';

export const dynamic = 'force-dynamic';
export { handleTrpcRequest as GET, handleTrpcRequest as POST };
