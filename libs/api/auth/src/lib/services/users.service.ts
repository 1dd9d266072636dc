import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  APP_CONFIG,
  AppConfig,
  DataChanges,
  DomainError,
  lockForTransaction,
  PageWindow,
  Principal,
  query,
  Role,
} from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../entities';
import { actorOf, AuditActor, AuditService, SYSTEM_ACTOR } from './audit.service';
import { PasswordsService } from './passwords.service';
import { SessionsService, TokenPair } from './sessions.service';

/** What an audit event may show of a user: never the password hash. */
export function userSnapshot(u: UserEntity): Record<string, unknown> {
  return { email: u.email, display_name: u.displayName, role: u.role, disabled: u.disabled };
}

const invalidCredentials = () => new DomainError(401, 'INVALID_CREDENTIALS', 'Email or password is wrong.');

export interface UserChanges {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Auth');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly passwords: PasswordsService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly dataChanges: DataChanges,
  ) {}

  findByEmail(manager: EntityManager, email: string): Promise<UserEntity | null> {
    return manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { id } });
    if (!user) throw DomainError.notFound('USER_NOT_FOUND', 'User not found.');
    return user;
  }

  /** Checks credentials and opens a session; every attempt is audited, failures with the attempted email. */
  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.findByEmail(this.dataSource.manager, email);
    const ok =
      user && !user.disabled
        ? await this.passwords.verify(password, user.passwordHash)
        : await this.passwords.verifyNothing(password);
    if (!user || !ok) {
      await this.audit.record(this.dataSource.manager, {
        actor: user ? { id: user.id, label: user.email } : { id: null, label: email.slice(0, 320) },
        action: 'auth.login_failed',
        targetType: 'user',
        targetId: user?.id,
        after: { reason: !user ? 'unknown email' : user.disabled ? 'disabled' : 'wrong password' },
      });
      throw invalidCredentials();
    }
    return this.dataSource.transaction(async (m) => {
      await m.update(UserEntity, { id: user.id }, { lastLoginAt: new Date() });
      const { sessionId, ...pair } = await this.sessions.open(m, user);
      await this.audit.record(m, {
        actor: { id: user.id, label: user.email },
        action: 'auth.login',
        targetType: 'session',
        targetId: sessionId,
      });
      return pair;
    });
  }

  async changePassword(principal: Principal, current: string, next: string): Promise<void> {
    const user = await this.get(principal.userId);
    if (!(await this.passwords.verify(current, user.passwordHash))) {
      throw new DomainError(400, 'WRONG_PASSWORD', 'The current password is wrong.');
    }
    this.passwords.assertHardToGuess(next, [user.email]);
    const hash = await this.passwords.hash(next);
    await this.dataSource.transaction(async (m) => {
      await m.update(
        UserEntity,
        { id: user.id },
        { passwordHash: hash, passwordChangedAt: new Date(), updatedAt: new Date() },
      );
      const ended = await this.sessions.revokeAllFor(m, user.id, 'password changed', principal.sessionId);
      await this.audit.record(m, {
        actor: actorOf(principal),
        action: 'user.password_changed',
        targetType: 'user',
        targetId: user.id,
        after: { other_sessions_ended: ended },
      });
    });
  }

  async list(filter: { q?: string; role?: Role }, window: PageWindow): Promise<[UserEntity[], number]> {
    const q = this.dataSource.getRepository(UserEntity).createQueryBuilder('u');
    if (filter.q)
      q.andWhere('(u.email ILIKE :q OR u.display_name ILIKE :q)', { q: `%${filter.q.replace(/[\\%_]/g, '\\$&')}%` });
    if (filter.role) q.andWhere('u.role = :role', { role: filter.role });
    return q.orderBy('lower(u.email)').skip(window.offset).take(window.limit).getManyAndCount();
  }

  /** Creates a user; without a password a strong one is generated and returned once. */
  async create(
    actor: AuditActor,
    input: { email: string; displayName?: string; role: Role; password?: string },
  ): Promise<{ user: UserEntity; generatedPassword?: string }> {
    const generatedPassword = input.password ? undefined : this.passwords.generate();
    if (input.password) this.passwords.assertHardToGuess(input.password, [input.email]);
    const hash = await this.passwords.hash(input.password ?? (generatedPassword as string));
    const user = await this.dataSource.transaction(async (m) => {
      if (await this.findByEmail(m, input.email)) {
        throw DomainError.conflict('EMAIL_TAKEN', `A user with the email ${input.email} already exists.`);
      }
      const created = await m.save(
        m.create(UserEntity, {
          email: input.email,
          displayName: input.displayName?.trim() || input.email.split('@')[0],
          passwordHash: hash,
          role: input.role,
        }),
      );
      await this.audit.record(m, {
        actor,
        action: 'user.created',
        targetType: 'user',
        targetId: created.id,
        after: userSnapshot(created),
      });
      return created;
    });
    return { user, generatedPassword };
  }

  async update(principal: Principal, id: string, changes: UserChanges): Promise<UserEntity> {
    const updated = await this.dataSource.transaction(async (m) => {
      const user = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw DomainError.notFound('USER_NOT_FOUND', 'User not found.');
      if (changes.disabled === true && user.id === principal.userId) {
        throw DomainError.conflict(
          'CANNOT_DISABLE_SELF',
          'You cannot disable your own account (you would be signed out for good); ask another admin.',
        );
      }
      const before = userSnapshot(user);
      const losesAdmin =
        user.role === 'admin' &&
        !user.disabled &&
        ((changes.role && changes.role !== 'admin') || changes.disabled === true);
      if (losesAdmin) await this.assertAnotherAdmin(m, user.id);
      if (changes.displayName !== undefined) user.displayName = changes.displayName.trim();
      if (changes.role !== undefined) user.role = changes.role;
      if (changes.disabled !== undefined) user.disabled = changes.disabled;
      user.updatedAt = new Date();
      await m.save(user);
      if (changes.disabled === true) await this.sessions.revokeAllFor(m, user.id, 'user disabled');
      await this.audit.record(m, {
        actor: actorOf(principal),
        action: 'user.updated',
        targetType: 'user',
        targetId: user.id,
        before,
        after: userSnapshot(user),
      });
      return user;
    });
    // Cached API keys carry their user's role and state: drop them here now, everywhere else on the notification.
    this.dataChanges.changed('users');
    return updated;
  }

  /** Sets a new generated password (returned once) and ends the user's sessions. */
  async resetPassword(principal: Principal, id: string): Promise<string> {
    const password = this.passwords.generate();
    const hash = await this.passwords.hash(password);
    await this.dataSource.transaction(async (m) => {
      const updated = await m.update(
        UserEntity,
        { id },
        { passwordHash: hash, passwordChangedAt: new Date(), updatedAt: new Date() },
      );
      if (!updated.affected) throw DomainError.notFound('USER_NOT_FOUND', 'User not found.');
      await this.sessions.revokeAllFor(m, id, 'password reset');
      await this.audit.record(m, {
        actor: actorOf(principal),
        action: 'user.password_reset',
        targetType: 'user',
        targetId: id,
      });
    });
    return password;
  }

  /**
   * Creates or restores an admin (CLI `create-admin`, first start): a new user, or an existing one promoted,
   * enabled and given the password. Returns the password when it was generated.
   */
  async ensureAdmin(
    email: string,
    password?: { plain?: string; hash?: string },
  ): Promise<{ user: UserEntity; created: boolean; generatedPassword?: string }> {
    const generatedPassword = password?.plain || password?.hash ? undefined : this.passwords.generate();
    if (password?.plain && !password.hash) this.passwords.assertHardToGuess(password.plain, [email]);
    const hash = password?.hash ?? (await this.passwords.hash(password?.plain ?? (generatedPassword as string)));
    return this.dataSource.transaction(async (m) => {
      const existing = await this.findByEmail(m, email);
      if (existing) {
        const before = userSnapshot(existing);
        Object.assign(existing, {
          role: 'admin',
          disabled: false,
          passwordHash: hash,
          passwordChangedAt: new Date(),
          updatedAt: new Date(),
        });
        await m.save(existing);
        await this.sessions.revokeAllFor(m, existing.id, 'admin password set from the command line');
        await this.audit.record(m, {
          actor: SYSTEM_ACTOR,
          action: 'user.admin_restored',
          targetType: 'user',
          targetId: existing.id,
          before,
          after: userSnapshot(existing),
        });
        return { user: existing, created: false, generatedPassword };
      }
      const user = await m.save(
        m.create(UserEntity, { email, displayName: 'Administrator', passwordHash: hash, role: 'admin' }),
      );
      await this.audit.record(m, {
        actor: SYSTEM_ACTOR,
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        after: userSnapshot(user),
      });
      return { user, created: true, generatedPassword };
    });
  }

  /** First start: when no admin exists, create one from ADMIN_* settings or with a generated password. */
  async bootstrapFirstAdmin(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      // Instances starting together must not both create the first admin.
      await lockForTransaction(m, 'mph:first-admin');
      const [{ n }] = await query<{ n: number }>(m, `SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
      if (n > 0) return;
      const { email = 'admin@localhost', password, passwordHash } = this.config.auth.admin;
      const generatedPassword = password || passwordHash ? undefined : this.passwords.generate();
      const hash = passwordHash ?? (await this.passwords.hash(password ?? (generatedPassword as string)));
      const existing = await this.findByEmail(m, email);
      if (existing) {
        throw new Error(
          `ADMIN_EMAIL ${email} belongs to a non-admin user; promote it with: npm run cli -- create-admin --email ${email}`,
        );
      }
      const user = await m.save(
        m.create(UserEntity, { email, displayName: 'Administrator', passwordHash: hash, role: 'admin' }),
      );
      await this.audit.record(m, {
        actor: SYSTEM_ACTOR,
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        after: userSnapshot(user),
      });
      if (generatedPassword) {
        this.logger.warn(
          `First admin created: ${email} with the generated password ${generatedPassword} — it is shown only this once (only its hash is stored). ` +
            'Sign in and change it, or set ADMIN_EMAIL and ADMIN_PASSWORD before the first start.',
        );
      } else {
        this.logger.log(`First admin created: ${email}`);
      }
    });
  }

  private async assertAnotherAdmin(m: EntityManager, exceptId: string): Promise<void> {
    const [{ n }] = await query<{ n: number }>(
      m,
      `SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1`,
      [exceptId],
    );
    if (n === 0)
      throw DomainError.conflict('LAST_ADMIN', 'This is the last active admin: make another user admin first.');
  }
}
