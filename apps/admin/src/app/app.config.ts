import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { ApiConfiguration } from '@mph/admin-api-client';
import { authInterceptor, provideSessionRestore } from '@mph/admin-feature-auth';
import { liveFreshInterceptor, provideIcons } from '@mph/admin-ui';
import { appRoutes } from './app.routes';
import { errorInterceptor } from './error.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(appRoutes, withComponentInputBinding()),
    // liveFreshInterceptor first: it must see a live re-read's requests as they are subscribed (synchronously).
    // errorInterceptor then wraps auth, so it only sees failures the auth interceptor could not recover (401 → refresh).
    provideHttpClient(withFetch(), withInterceptors([liveFreshInterceptor, errorInterceptor, authInterceptor])),
    provideSessionRestore(),
    provideIcons(),
    // The generated client's paths already start with /api/v1; the API serves the console on the same origin
    // (in development, `nx serve admin` proxies /api to it).
    { provide: ApiConfiguration, useValue: Object.assign(new ApiConfiguration(), { rootUrl: '' }) },
  ],
};
