import { seedInviteCode } from '@openhouse/seed';

import { resetOnboarding } from './database';
import { isObject, isUuid, type LoadSuite, type TrpcCall } from './suite';

/**
 * Onboarding as the setup wizard drives it, on homeowners reset to "not onboarded" before the
 * suite: read the status, complete the step it names (claim with the house's seeded invite code,
 * profile, key documents), read again; once done, status reads and a repeated final step
 * (answered `alreadyDone`). When there are more connections than homeowners, only a homeowner's
 * first connection completes steps — two wizards racing on one account would be told, correctly,
 * that a step is out of order — and the others read the status.
 */

const STEPS = ['claim', 'profile', 'documents'] as const;
type Step = (typeof STEPS)[number];

interface OnboardingState {
  houseId: string;
  displayName: string;
  writes: boolean;
  /** What the last status said; undefined until it has been read. */
  nextStep?: Step | null;
  keyDocumentIds: string[];
  readNext: boolean;
}

function checkStatus(status: unknown): string | undefined {
  if (!isObject(status)) return 'onboarding: status missing';
  if (
    !Array.isArray(status.completedSteps) ||
    !status.completedSteps.every((s) => STEPS.includes(s as Step))
  ) {
    return 'onboarding: completedSteps malformed';
  }
  if (status.nextStep !== null && !STEPS.includes(status.nextStep as Step))
    return 'onboarding: nextStep malformed';
  if (status.done !== (status.nextStep === null)) return 'onboarding: done disagrees with nextStep';
  const docs = status.keyDocuments;
  if (!Array.isArray(docs) || docs.length === 0 || !docs.every((doc) => isObject(doc) && isUuid(doc.id))) {
    return 'onboarding: keyDocuments missing';
  }
  return undefined;
}

function remember(state: OnboardingState, status: Record<string, unknown>) {
  state.nextStep = status.nextStep as Step | null;
  state.keyDocumentIds = (status.keyDocuments as { id: string }[]).map((doc) => doc.id);
}

const statusCall: TrpcCall<OnboardingState> = {
  procedure: 'onboarding.status',
  kind: 'query',
  input: {},
  check(data, state) {
    const problem = checkStatus(data);
    if (!problem) remember(state, data as Record<string, unknown>);
    return problem;
  },
};

function stepInput(state: OnboardingState, step: Step) {
  if (step === 'claim') return { step, inviteCode: seedInviteCode(state.houseId) };
  if (step === 'profile') return { step, displayName: state.displayName, contactChannel: 'email' };
  return { step, documentIds: state.keyDocumentIds };
}

function completeStepCall(state: OnboardingState): TrpcCall<OnboardingState> {
  const step = state.nextStep ?? 'documents';
  const expectRepeat = state.nextStep === null;
  return {
    procedure: 'onboarding.completeStep',
    kind: 'mutation',
    input: stepInput(state, step),
    check(data, current) {
      if (!isObject(data) || data.step !== step) return 'onboarding.completeStep: wrong step';
      if (data.alreadyDone !== expectRepeat)
        return `onboarding.completeStep: alreadyDone should be ${expectRepeat}`;
      const problem = checkStatus(data.status);
      if (problem) return problem;
      const status = data.status as Record<string, unknown>;
      if (!(status.completedSteps as string[]).includes(step))
        return 'onboarding.completeStep: step not recorded';
      remember(current, status);
      return undefined;
    },
  };
}

export const onboardingSuite: LoadSuite<OnboardingState> = {
  name: 'onboarding',
  mix: 'onboarding.status 1 : onboarding.completeStep 1 (claim → profile → documents, then repeats)',
  prepare: resetOnboarding,
  newState: ({ homeowner, firstForHomeowner }) => ({
    houseId: homeowner.user.houseId!,
    displayName: homeowner.user.displayName,
    writes: firstForHomeowner,
    keyDocumentIds: [],
    readNext: true,
  }),
  nextCall(state) {
    const call =
      state.readNext || !state.writes || state.nextStep === undefined ? statusCall : completeStepCall(state);
    state.readNext = !state.readNext;
    return call;
  },
};
