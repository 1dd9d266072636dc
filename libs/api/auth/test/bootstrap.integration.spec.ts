import { createTestApp, TestApp } from '@mph/api-core/testing';
import { CoreModule } from '@mph/api-core';
import { Module } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { DataSource } from 'typeorm';
import { AuthModule } from '../src';
import { UsersService } from '../src/lib/services/users.service';
import { authApp, http } from './kit';

@Module({})
class Root {}

describe('first admin', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('accepts ADMIN_PASSWORD_HASH (a bcrypt hash) and stores it as given', async () => {
    const hash = await bcrypt.hash('hashed-admin-password', 4);
    const t = await authApp({ env: { ADMIN_EMAIL: 'ops@test.local', ADMIN_PASSWORD: '', ADMIN_PASSWORD_HASH: hash } });
    apps.push(t);
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT password_hash, role FROM users WHERE email = 'ops@test.local'`);
    expect(row).toEqual({ password_hash: hash, role: 'admin' });
    await http(t)
      .post('/api/v1/auth/login')
      .send({ email: 'ops@test.local', password: 'hashed-admin-password' })
      .expect(200);
  });

  it('generates a strong password when none is configured, storing only its hash', async () => {
    const t = await authApp({ env: { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' } });
    apps.push(t);
    const rows = await t.app.get(DataSource).query(`SELECT email, password_hash FROM users WHERE role = 'admin'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].email).toBe('admin@localhost');
    expect(rows[0].password_hash).toMatch(/^\$2b\$04\$/);
  });

  it('does nothing when an admin exists, and the CLI path restores an admin', async () => {
    const t = await authApp();
    apps.push(t);
    const users = t.app.get(UsersService);
    await users.bootstrapFirstAdmin();
    const ds = t.app.get(DataSource);
    expect((await ds.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`))[0].n).toBe(1);

    const created = await users.ensureAdmin('second@test.local');
    expect(created).toMatchObject({ created: true, generatedPassword: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) });
    await users.create(
      { id: null, label: 'test' },
      { email: 'demoted@test.local', role: 'member', password: 'member-password-1' },
    );
    const restored = await users.ensureAdmin('DEMOTED@test.local', { plain: 'restored-password-1' });
    expect(restored).toMatchObject({ created: false, generatedPassword: undefined });
    expect(restored.user.role).toBe('admin');
    await http(t)
      .post('/api/v1/auth/login')
      .send({ email: 'demoted@test.local', password: 'restored-password-1' })
      .expect(200);
  });

  it('is not run by the command line', async () => {
    const t = await createTestApp({
      mode: 'cli',
      root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule] }),
    });
    apps.push(t);
    expect((await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users`))[0].n).toBe(0);
  });
});
