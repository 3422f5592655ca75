import { handleDevSignIn } from '@openhouse/api/server';

export const POST = (req: Request) => handleDevSignIn(req, 'developer');
