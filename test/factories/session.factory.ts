import type TestAgent from 'supertest/lib/agent.js';

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  setCookie: string[];
}

const sessionIdOf = (accessToken: string) =>
  JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid as string;

/** Signs in (a new session) and returns both tokens and the Set-Cookie headers. */
export async function signIn(
  http: TestAgent,
  email: string,
  password: string,
  userAgent = 'jest',
): Promise<SignedIn> {
  const response = await http
    .post('/auth/login')
    .set('user-agent', userAgent)
    .send({ email, password })
    .expect(200);
  return {
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    sessionId: sessionIdOf(response.body.accessToken),
    setCookie: ([] as string[]).concat(response.headers['set-cookie'] ?? []),
  };
}

export const refresh = (http: TestAgent, refreshToken: string) =>
  http.post('/auth/refresh').send({ refreshToken });

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
