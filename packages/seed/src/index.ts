export { findSeedUser, HOUSES_PER_DEVELOPMENT, seedData, stableUuid } from './data';
export type {
  SeedData,
  SeedDevelopment,
  SeedDocument,
  SeedHouse,
  SeedInvite,
  SeedNotice,
  SeedTenant,
  SeedUser,
} from './data';
export { seedInviteCode } from './invite-code';
export { seed } from './load';
export { SEED_SCALES, seedAtScale } from './scale';
export type { SeedProgress, SeedScale } from './scale';
