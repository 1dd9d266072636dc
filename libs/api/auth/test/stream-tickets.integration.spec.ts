import { Principal } from '@mph/api-core';
import { TestApp } from '@mph/api-core/testing';
import { DataSource } from 'typeorm';
import { StreamTicketsService } from '../src';
import { authApp, bearer, http, login, makeUser } from './kit';

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid;

describe('stream tickets', () => {
  let t: TestApp;
  let tickets: StreamTicketsService;
  let ds: DataSource;

  beforeAll(async () => {
    t = await authApp();
    ds = t.app.get(DataSource);
    tickets = new StreamTicketsService(t.config, ds);
  });
  afterAll(() => t.close());

  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'opened',
      (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
    );

  it('opens for the sign-in that asked, as the caller is now; not for another resource, purpose or after expiry', async () => {
    const u = await makeUser(t, 'operator', 'ticket-op');
    const by: Principal = { userId: u.id, email: u.email, role: 'operator', via: 'session', sessionId: sidOf(u.token) };
    const ticket = tickets.issue('sync-stream', 'run-1', by);
    expect(ticket).toMatch(new RegExp(`^\\d+\\.s${by.sessionId}\\.[A-Za-z0-9_-]{43}$`));
    expect(await tickets.open('sync-stream', 'run-1', ticket, ['operator', 'admin'])).toEqual(by);
    expect(await refusal(tickets.open('sync-stream', 'run-2', ticket))).toBe('401 UNAUTHORIZED');
    expect(await refusal(tickets.open('chat-stream', 'run-1', ticket))).toBe('401 UNAUTHORIZED');
    expect(await refusal(tickets.open('sync-stream', 'run-1', tickets.issue('sync-stream', 'run-1', by, -1)))).toBe(
      '401 UNAUTHORIZED',
    );
    const [exp, , mac] = ticket.split('.');
    const other = await makeUser(t, 'admin', 'ticket-admin');
    expect(await refusal(tickets.open('sync-stream', 'run-1', `${exp}.u${other.id}.${mac}`))).toBe('401 UNAUTHORIZED');
    expect(await refusal(tickets.open('sync-stream', 'run-1', ''))).toBe('401 UNAUTHORIZED');

    await ds.query(`UPDATE users SET role = 'member' WHERE id = $1`, [u.id]);
    expect(await refusal(tickets.open('sync-stream', 'run-1', ticket, ['operator', 'admin']))).toBe('403 FORBIDDEN');
    await ds.query(`UPDATE users SET role = 'operator' WHERE id = $1`, [u.id]);

    // A second sign-in is a different session: logging out of the first ends only the first's tickets.
    const second = await login(t, u.email, u.password);
    const secondTicket = tickets.issue('sync-stream', 'run-1', { ...by, sessionId: sidOf(second.access_token) });
    await http(t).post('/api/v1/auth/logout').set(bearer(u.token)).expect(204);
    expect(await refusal(tickets.open('sync-stream', 'run-1', ticket))).toBe('401 UNAUTHORIZED');
    expect((await tickets.open('sync-stream', 'run-1', secondTicket)).sessionId).toBe(sidOf(second.access_token));
  });

  it('ends an API key’s tickets when the key is revoked, and every ticket of a disabled user', async () => {
    const u = await makeUser(t, 'member', 'ticket-key');
    const key = await http(t)
      .post('/api/v1/api-keys')
      .set(bearer(u.token))
      .send({ name: 'stream', scopes: ['gateway'] })
      .expect(201);
    const viaKey: Principal = {
      userId: u.id,
      email: u.email,
      role: 'member',
      via: 'api-key',
      apiKeyId: key.body.id,
      scopes: ['gateway'],
    };
    const keyTicket = tickets.issue('chat-stream', '42', viaKey);
    expect(await tickets.open('chat-stream', '42', keyTicket)).toEqual(viaKey);
    await http(t).delete(`/api/v1/api-keys/${key.body.id}`).set(bearer(u.token)).expect(204);
    expect(await refusal(tickets.open('chat-stream', '42', keyTicket))).toBe('401 UNAUTHORIZED');

    const bySession = tickets.issue('chat-stream', '43', { ...viaKey, via: 'session', sessionId: sidOf(u.token) });
    expect((await tickets.open('chat-stream', '43', bySession)).userId).toBe(u.id);
    await ds.query(`UPDATE users SET disabled = true WHERE id = $1`, [u.id]);
    const refused = tickets.open('chat-stream', '43', bySession);
    await expect(refused).rejects.toThrow(/has ended; sign in again/);
  });
});
