import { Routes } from '@angular/router';
import { authGuard, roleGuard } from '@mph/admin-feature-auth';
import { ChatPage } from './chat-page';
import { ConnectionsPage } from './connections-page';
import { LimitsPage } from './limits-page';

export const CHAT_ROUTES: Routes = [
  { path: '', component: ChatPage, title: 'Chat · Model Price Hub', canActivate: [authGuard] },
  { path: 'connections', component: ConnectionsPage, title: 'Connections · Model Price Hub', canActivate: [authGuard] },
  {
    path: 'limits',
    component: LimitsPage,
    title: 'Gateway limits · Model Price Hub',
    canActivate: [roleGuard('operator', 'admin')],
  },
];
