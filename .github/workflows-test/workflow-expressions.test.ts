import { describe, expect, it } from 'vitest';
import { evaluate } from './workflow-expressions.ts';

// GitHub's && and || give one of their operands, not a boolean, which is how workflows write
// `cond && 'a' || 'b'` (GitHub Docs, "Evaluate expressions in workflows and actions", Operators).
describe('&& and || give an operand', () => {
  const values = { inputs: { release: 'r-1', mode: '' }, vars: { COUNT: 0 } };
  it.each([
    ["inputs.release && 'named'", 'named'],
    ["inputs.mode && 'named'", ''],
    ["inputs.mode && 'named' || 'latest'", 'latest'],
    ["inputs.release && 'named' || 'latest'", 'named'],
    ['vars.COUNT || inputs.mode', ''],
    ['vars.COUNT && inputs.release', 0],
    ["inputs.mode || vars.COUNT || 'last'", 'last'],
    ["inputs.release && inputs.mode && 'never'", ''],
  ])('%s → %j', (expression, value) => {
    expect(evaluate(expression, values)).toBe(value);
  });
});
