// The old address of sign-out, kept for links and forms that still post here.
export { POST } from '../../sign-out/route';
