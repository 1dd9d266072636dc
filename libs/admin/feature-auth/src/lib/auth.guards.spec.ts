import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatSnackBar } from '@angular/material/snack-bar';
import { provideRouter, Router } from '@angular/router';
import { provideHttpClient } from '@angular/common/http';
import { authGuard, roleGuard } from './auth.guards';
import { SessionStore } from './session.store';
import { ADA } from './session.store.spec';

@Component({ selector: 'mph-blank', template: 'page' })
class Blank {}

describe('auth guards', () => {
  let messages: string[];
  beforeEach(() => {
    messages = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        { provide: MatSnackBar, useValue: { open: (m: string) => messages.push(m) } },
        provideRouter([
          { path: 'login', component: Blank },
          { path: 'keys', component: Blank, canActivate: [authGuard] },
          { path: 'users', component: Blank, canActivate: [roleGuard('admin')] },
          { path: '', component: Blank },
        ]),
      ],
    });
  });

  it('sends anonymous visitors to sign in, remembering where they were going', async () => {
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/keys');
    expect(router.url).toBe('/login?returnUrl=%2Fkeys');
    await router.navigateByUrl('/users');
    expect(router.url).toBe('/login?returnUrl=%2Fusers');
  });

  it('lets signed-in users in, and keeps other roles out of role pages with a message', async () => {
    TestBed.inject(SessionStore).user.set(ADA);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/keys');
    expect(router.url).toBe('/keys');
    await router.navigateByUrl('/users');
    expect(router.url).toBe('/');
    expect(messages).toEqual(['That page needs the admin role.']);
    TestBed.inject(SessionStore).user.set({ ...ADA, role: 'admin' });
    await router.navigateByUrl('/users');
    expect(router.url).toBe('/users');
  });
});
