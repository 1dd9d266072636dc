import { Route } from '@angular/router';
import type { UserDto } from '@mph/admin-api-client';
import { authGuard, LoginPage, roleGuard } from '@mph/admin-feature-auth';
import { NotFound } from '@mph/admin-ui';

export interface NavItem {
  path: string;
  label: string;
  icon: string;
  /** Shown only to signed-in users with one of these roles; undefined = everyone; [] = any signed-in user. */
  roles?: UserDto['role'][];
}

export const NAV_ITEMS: NavItem[] = [
  { path: '/', label: 'Home', icon: 'home' },
  { path: '/catalog', label: 'Catalog', icon: 'menu_book' },
  { path: '/pricing', label: 'Pricing', icon: 'sell' },
  { path: '/costs', label: 'Costs', icon: 'payments' },
  { path: '/chat', label: 'Chat', icon: 'chat' },
  { path: '/admin/api-keys', label: 'API keys', icon: 'key', roles: [] },
  { path: '/admin/users', label: 'Users', icon: 'group', roles: ['admin'] },
  { path: '/admin/audit', label: 'Audit log', icon: 'history', roles: ['admin', 'operator'] },
  { path: '/admin/jobs', label: 'Jobs', icon: 'schedule', roles: ['admin', 'operator'] },
  { path: '/admin/status', label: 'Status', icon: 'monitor_heart', roles: ['admin', 'operator'] },
];

export const appRoutes: Route[] = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Model Price Hub — what AI models cost',
    loadComponent: () => import('@mph/admin-feature-catalog').then((m) => m.HomePage),
  },
  {
    path: 'login',
    title: 'Sign in · Model Price Hub',
    // Static: the auth lib is part of the shell anyway (session, guards, interceptor).
    component: LoginPage,
  },
  { path: 'catalog', loadChildren: () => import('@mph/admin-feature-catalog').then((m) => m.CATALOG_ROUTES) },
  { path: 'pricing', loadChildren: () => import('@mph/admin-feature-pricing').then((m) => m.PRICING_ROUTES) },
  { path: 'costs', loadChildren: () => import('@mph/admin-feature-costs').then((m) => m.COSTS_ROUTES) },
  { path: 'chat', loadChildren: () => import('@mph/admin-feature-chat').then((m) => m.CHAT_ROUTES) },
  {
    path: 'admin',
    children: [
      { path: 'status', loadChildren: () => import('@mph/admin-feature-status').then((m) => m.STATUS_ROUTES) },
      {
        path: 'api-keys',
        title: 'API keys · Model Price Hub',
        canActivate: [authGuard],
        loadComponent: () => import('@mph/admin-feature-users').then((m) => m.ApiKeysPage),
      },
      {
        path: 'users',
        title: 'Users · Model Price Hub',
        canActivate: [roleGuard('admin')],
        loadComponent: () => import('@mph/admin-feature-users').then((m) => m.UsersPage),
      },
      {
        path: 'audit',
        title: 'Audit log · Model Price Hub',
        canActivate: [roleGuard('admin', 'operator')],
        loadComponent: () => import('@mph/admin-feature-users').then((m) => m.AuditPage),
      },
      {
        path: 'jobs',
        title: 'Jobs · Model Price Hub',
        canActivate: [roleGuard('admin', 'operator')],
        loadComponent: () => import('@mph/admin-feature-status').then((m) => m.JobsPage),
      },
      { path: '', pathMatch: 'full', redirectTo: 'status' },
    ],
  },
  {
    path: '**',
    title: 'Page not found · Model Price Hub',
    // Static: the ui lib is part of the shell anyway.
    component: NotFound,
  },
];
