import { DatePipe, DecimalPipe } from '@angular/common';
import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { HealthService, StatusDto } from '@mph/admin-api-client';

/** Formats seconds as "2 d 3 h", "5 h 12 min" or "42 s". */
export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${seconds % 60} s`;
  return `${seconds} s`;
}

/** Admin › Status: the API's health and its database, read through the generated client. */
@Component({
  selector: 'mph-status-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatCardModule, MatIconModule, MatProgressBarModule],
  templateUrl: './status-page.html',
  styleUrl: './status-page.scss',
})
export class StatusPage implements OnInit {
  private readonly health = inject(HealthService);

  readonly status = signal<StatusDto | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly formatUptime = formatUptime;

  ngOnInit(): void {
    this.refresh();
  }

  refresh(): void {
    this.loading.set(true);
    this.error.set(null);
    this.health.getStatus().subscribe({
      next: (s) => {
        this.status.set(s);
        this.loading.set(false);
      },
      error: (e: unknown) => {
        this.status.set(null);
        this.loading.set(false);
        this.error.set(
          e instanceof HttpErrorResponse && e.status === 0
            ? 'The API does not answer. Check that the server is running, then refresh.'
            : 'The API answered with an error. Refresh to try again; the server log has the details.',
        );
      },
    });
  }
}
