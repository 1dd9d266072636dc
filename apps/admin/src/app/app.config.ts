import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { ApiConfiguration } from '@mph/admin-api-client';
import { provideIcons } from '@mph/admin-ui';
import { appRoutes } from './app.routes';
import { errorInterceptor } from './error.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(appRoutes, withComponentInputBinding()),
    provideHttpClient(withFetch(), withInterceptors([errorInterceptor])),
    provideIcons(),
    // The generated client's paths already start with /api/v1; the API serves the console on the same origin
    // (in development, `nx serve admin` proxies /api to it).
    { provide: ApiConfiguration, useValue: Object.assign(new ApiConfiguration(), { rootUrl: '' }) },
  ],
};
