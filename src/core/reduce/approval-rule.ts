import type { ApprovalRule } from '../facts/kinds/proposals.ts';

/**
 * How many approvals a rule needs from `voters` eligible voters. Every rule reduces to one count, so
 * "approved" is `approvals >= required` and "impossible" is `voters - rejections < required`.
 * Percentage uses integer ceiling: approvals*100 >= percent*voters  <=>  approvals >= ceil(percent*voters/100).
 * Threshold is taken as written, so it may exceed `voters` (the rule is then unattainable).
 */
export function requiredApprovals(rule: ApprovalRule, voters: number): number {
  switch (rule.type) {
    case 'Any':
      return 1;
    case 'Unanimous':
      return voters;
    case 'Threshold':
      return rule.required;
    case 'Percentage':
      return Math.floor((rule.percent * voters + 99) / 100);
  }
}
