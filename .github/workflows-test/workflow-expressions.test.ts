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

// Object filters (GitHub Docs, "Evaluate expressions in workflows and actions", Object filters):
// `labels.*.name` is the list of every label's name, which contains() then searches.
describe('object filters', () => {
  const event = { pull_request: { labels: [{ name: 'bug' }, { name: 'preview' }], head: { repo: { full_name: 'a/b' } } } };
  it.each([
    ['github.event.pull_request.labels.*.name', ['bug', 'preview']],
    ["contains(github.event.pull_request.labels.*.name, 'preview')", true],
    ["contains(github.event.pull_request.labels.*.name, 'previe')", false],
    ['github.event.pull_request.head.*.full_name', ['a/b']],
  ])('%s → %j', (expression, value) => {
    expect(evaluate(expression, { github: { event } })).toEqual(value);
  });
});
