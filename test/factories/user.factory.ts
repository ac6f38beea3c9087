import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent.js';
import { TEST_ADMIN } from '../support/test-app.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
}

export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomUUID()}@example.com`;

export async function registerUser(
  http: TestAgent,
  overrides: { email?: string; password?: string; displayName?: string } = {},
): Promise<Omit<TestUser, 'accessToken'>> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? `pw-${randomUUID()}`;
  const response = await http
    .post('/auth/register')
    .send({ email, password, displayName: overrides.displayName })
    .expect(201);
  return { id: response.body.id, email, password };
}

export async function login(http: TestAgent, email: string, password: string): Promise<string> {
  const response = await http.post('/auth/login').send({ email, password }).expect(200);
  return response.body.accessToken;
}

/** A new account, signed in. */
export async function createUser(http: TestAgent): Promise<TestUser> {
  const user = await registerUser(http);
  return { ...user, accessToken: await login(http, user.email, user.password) };
}

/** The bootstrap administrator, signed in. */
export async function loginAdmin(http: TestAgent): Promise<string> {
  return login(http, TEST_ADMIN.email, TEST_ADMIN.password);
}
