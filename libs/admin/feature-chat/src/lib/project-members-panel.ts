import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ChatService, ProjectMemberDto } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';

/**
 * Who may use a project: its owner and members. Members may name the project in their usage events and in the
 * gateway's X-MPH-Project header, so its budgets and limits apply to them; nobody else can. The owner adds people by
 * email and removes them.
 */
@Component({
  selector: 'mph-project-members',
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 id="members-title">Members</h2>
    <p class="sub">Members can report usage and call the gateway for this project; its budgets apply to them.</p>
    <ul class="list" data-testid="project-members" aria-labelledby="members-title">
      @for (m of members(); track m.user_id) {
        <li class="member">
          <span
            >{{ m.email }} <span class="sub">{{ m.role }}</span></span
          >
          @if (m.role === 'member') {
            <button mat-button type="button" (click)="remove(m)" [attr.aria-label]="'Remove ' + m.email">Remove</button>
          }
        </li>
      }
    </ul>
    <form class="stack" (ngSubmit)="add()">
      <mat-form-field appearance="outline">
        <mat-label>Add a member by email</mat-label>
        <input matInput type="email" name="memberEmail" [(ngModel)]="email" data-testid="member-email" />
      </mat-form-field>
      <button mat-stroked-button type="submit" [disabled]="!email.trim()" data-testid="add-member">Add member</button>
      @if (error(); as e) {
        <p class="error" role="alert">{{ e }}</p>
      }
    </form>
  `,
  styles: `
    h2 {
      font: var(--mat-sys-title-small);
      margin: 16px 0 4px;
    }
    .sub {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
      margin: 0 0 8px;
    }
    .list {
      list-style: none;
      padding: 0;
      margin: 0 0 8px;
    }
    .member {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      min-height: 40px;
    }
    .stack {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
    }
    .stack mat-form-field {
      width: 100%;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class ProjectMembersPanel {
  private readonly api = inject(ChatService);
  readonly projectId = input.required<string>();
  readonly members = signal<ProjectMemberDto[]>([]);
  readonly error = signal<string | null>(null);
  email = '';

  constructor() {
    effect(() => {
      const id = this.projectId();
      this.error.set(null);
      this.api.listProjectMembers({ id }, silentErrors()).subscribe({
        next: ({ data }) => this.members.set(data),
        error: (e: unknown) => this.fail(e),
      });
    });
  }

  add(): void {
    const email = this.email.trim();
    if (!email) return;
    this.error.set(null);
    this.api.addProjectMember({ id: this.projectId(), body: { email } }, silentErrors()).subscribe({
      next: (m) => {
        this.members.set(m);
        this.email = '';
      },
      error: (e: unknown) => this.fail(e),
    });
  }

  remove(m: ProjectMemberDto): void {
    this.error.set(null);
    this.api.removeProjectMember({ id: this.projectId(), userId: m.user_id }, silentErrors()).subscribe({
      next: () => this.members.update((all) => all.filter((x) => x.user_id !== m.user_id)),
      error: (e: unknown) => this.fail(e),
    });
  }

  private fail(e: unknown): void {
    const env = e instanceof HttpErrorResponse ? (e.error as { error?: { message?: string } } | null) : null;
    this.error.set(env?.error?.message ?? 'The members could not be changed. Try again.');
  }
}
