import { describe, expect, it } from 'vitest';
import { customerErrorsOfProblem, validateCustomer } from './customer-form.ts';

describe('validateCustomer', () => {
  it.each([
    [{ name: 'Ada', email: 'ada@example.com' }, {}],
    [{ name: '  ', email: 'ada@example.com' }, { name: 'Enter your name.' }],
    [{ name: 'Ada', email: '' }, { email: 'Enter your email address.' }],
    [{ name: 'Ada', email: 'ada@example' }, { email: 'Enter an email address like name@example.com.' }],
    [
      { name: 'x'.repeat(201), email: 'a b@c.de' },
      { name: 'Keep your name under 200 characters.', email: 'Enter an email address like name@example.com.' },
    ],
  ])('%j → %j', (customer, errors) => {
    expect(validateCustomer(customer)).toEqual(errors);
  });
});

describe('customerErrorsOfProblem', () => {
  it('reads customer field errors from a 400/422 problem and ignores the others', () => {
    expect(
      customerErrorsOfProblem({
        status: 400,
        errors: [
          { field: 'customer.email', message: 'must be an email' },
          { field: 'name', message: 'required' },
          { field: 'Idempotency-Key', message: 'missing' },
        ],
      }),
    ).toEqual({ email: 'must be an email', name: 'required' });
    expect(customerErrorsOfProblem(undefined)).toEqual({});
  });
});
