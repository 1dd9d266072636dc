import { Route } from '@angular/router';
import type { ComingSoonData } from '@mph/admin-ui';

/** An area a later release fills in: a lazy route to the shared "coming" state. */
function coming(path: string, data: ComingSoonData): Route {
  return {
    path,
    title: `${data.title} · Model Price Hub`,
    data,
    loadComponent: () => import('@mph/admin-ui').then((m) => m.ComingSoon),
  };
}

export interface NavItem {
  path: string;
  label: string;
  icon: string;
}

export const NAV_ITEMS: NavItem[] = [
  { path: '/catalog', label: 'Catalog', icon: 'menu_book' },
  { path: '/pricing', label: 'Pricing', icon: 'sell' },
  { path: '/costs', label: 'Costs', icon: 'payments' },
  { path: '/chat', label: 'Chat', icon: 'chat' },
  { path: '/admin/jobs', label: 'Jobs', icon: 'schedule' },
  { path: '/admin/status', label: 'Status', icon: 'monitor_heart' },
];

export const appRoutes: Route[] = [
  { path: '', pathMatch: 'full', redirectTo: 'admin/status' },
  coming('catalog', {
    title: 'Catalog',
    summary:
      'Models, vendors and offerings with capabilities, Hugging Face metadata and lineage; search, compare and trending.',
  }),
  coming('pricing', {
    title: 'Pricing',
    summary:
      'Prices per offering with history, tiers and conditions, the editor with diff preview and locks, and vendor syncs.',
  }),
  coming('costs', {
    title: 'Costs',
    summary: 'Spend over time by model, project and key, usage events, budgets and estimates.',
  }),
  coming('chat', {
    title: 'Chat',
    summary: 'The playground with projects, prompts and streaming sessions, and provider connections.',
  }),
  {
    path: 'admin',
    children: [
      { path: 'status', loadChildren: () => import('@mph/admin-feature-status').then((m) => m.STATUS_ROUTES) },
      coming('jobs', { title: 'Jobs', summary: 'Scheduled jobs, their runs, counts and errors, and "run now".' }),
      { path: '', pathMatch: 'full', redirectTo: 'status' },
    ],
  },
  coming('**', { title: 'Page not found', summary: 'This address does not match any page of the console.' }),
];
