import { handleDevSignIn } from '@openhouse/seed/dev-sign-in';

export const POST = (req: Request) => handleDevSignIn(req, 'developer');
