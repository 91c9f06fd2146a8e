// Checks the checkout form before it is sent, and reads a 400/422 problem's field errors back onto it.
import type { Customer, Problem } from './api/shop-types.ts';

export type CustomerErrors = Partial<Record<keyof Customer, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateCustomer(customer: Customer): CustomerErrors {
  const errors: CustomerErrors = {};
  if (!customer.name.trim()) errors.name = 'Enter your name.';
  else if (customer.name.trim().length > 200) errors.name = 'Keep your name under 200 characters.';
  if (!customer.email.trim()) errors.email = 'Enter your email address.';
  else if (!EMAIL.test(customer.email.trim())) errors.email = 'Enter an email address like name@example.com.';
  return errors;
}

/** Field errors a service returned for `customer.name` / `customer.email` (or `name` / `email`). */
export function customerErrorsOfProblem(problem: Problem | undefined): CustomerErrors {
  const errors: CustomerErrors = {};
  for (const error of problem?.errors ?? []) {
    const field = error.field.replace(/^(body\.)?customer\./, '');
    if (field === 'name' || field === 'email') errors[field] = error.message;
  }
  return errors;
}
