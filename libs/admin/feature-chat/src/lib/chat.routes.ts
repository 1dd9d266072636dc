import { Routes } from '@angular/router';
import { authGuard } from '@mph/admin-feature-auth';
import { ChatPage } from './chat-page';
import { ConnectionsPage } from './connections-page';

export const CHAT_ROUTES: Routes = [
  { path: '', component: ChatPage, title: 'Chat · Model Price Hub', canActivate: [authGuard] },
  { path: 'connections', component: ConnectionsPage, title: 'Connections · Model Price Hub', canActivate: [authGuard] },
];
