import { Routes } from '@angular/router';
import { StatusPage } from './status-page';

export const STATUS_ROUTES: Routes = [{ path: '', component: StatusPage, title: 'Status · Model Price Hub' }];
