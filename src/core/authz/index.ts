export { authorize, enabledKinds, isEnabledKind } from './authorize.ts';
export { commitDigest, commitVerifies, consensusCommitMessage, groupKeyOf } from './consensus-commit.ts';
export type { AuthzCanonical, AuthzState } from './state.ts';
export { waitKey, type AuthzRefusal, type AuthzVerdict } from './verdict.ts';
