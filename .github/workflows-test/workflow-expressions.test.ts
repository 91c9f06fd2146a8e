import { describe, expect, it } from 'vitest';
import { evaluate } from './workflow-expressions.ts';

// The runner's && gives the first falsy operand (else the last), its || the first truthy one (else the
// last): operands, not booleans, which is how workflows write `cond && 'a' || 'b'`. As actions/runner
// evaluates them: src/Sdk/DTExpressions2/Expressions2/Sdk/Operators/And.cs and Or.cs (EvaluateCore),
// read at commits c1d94bf2 and 8843d269 of its main branch.
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
