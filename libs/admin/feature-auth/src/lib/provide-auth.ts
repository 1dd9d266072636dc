import { DOCUMENT } from '@angular/common';
import { EnvironmentProviders, inject, provideAppInitializer } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { SessionStore } from './session.store';

/**
 * Restores the session from the refresh cookie before the first navigation, so a reload keeps you signed in.
 * The API sets the readable mph_signed_in cookie beside the httpOnly one; without it there is nothing to restore.
 */
export function provideSessionRestore(): EnvironmentProviders {
  return provideAppInitializer(() => {
    const cookies = inject(DOCUMENT).cookie ?? '';
    if (!/(?:^|;\s*)mph_signed_in=1/.test(cookies)) return Promise.resolve();
    return firstValueFrom(inject(SessionStore).refresh()).then(() => undefined);
  });
}
