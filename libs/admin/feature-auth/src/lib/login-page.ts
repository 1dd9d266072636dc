import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { SessionStore } from './session.store';

/** Where to go after signing in: only same-app paths, never another origin. */
export function safeReturnUrl(url: string | undefined): string {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login') ? url : '/';
}

@Component({
  selector: 'mph-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  template: `
    <mat-card appearance="outlined" class="login">
      <mat-card-header>
        <mat-card-title><h1 class="title">Sign in</h1></mat-card-title>
        <mat-card-subtitle>Model Price Hub console</mat-card-subtitle>
      </mat-card-header>
      @if (busy()) {
        <mat-progress-bar mode="indeterminate" aria-label="Signing in" />
      }
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
        <mat-card-content>
          <mat-form-field appearance="outline">
            <mat-label>Email</mat-label>
            <input matInput type="email" formControlName="email" autocomplete="username" required />
            @if (form.controls.email.invalid) {
              <mat-error>{{
                form.controls.email.hasError('required') ? 'Enter your email address.' : 'Enter an email address.'
              }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Password</mat-label>
            <input matInput type="password" formControlName="password" autocomplete="current-password" required />
            @if (form.controls.password.invalid) {
              <mat-error>Enter your password.</mat-error>
            }
          </mat-form-field>
          @if (error(); as message) {
            <p class="error" role="alert" data-testid="login-error">{{ message }}</p>
          }
        </mat-card-content>
        <mat-card-actions align="end">
          <button mat-flat-button type="submit" [disabled]="busy()">Sign in</button>
        </mat-card-actions>
      </form>
    </mat-card>
  `,
  styles: `
    .login {
      max-width: 420px;
      margin: 48px auto;
    }
    .title {
      font: inherit;
      margin: 0;
    }
    form mat-form-field {
      display: block;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class LoginPage {
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  readonly returnUrl = input<string>();
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });

  submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    const { email, password } = this.form.getRawValue();
    this.session.login(email, password).subscribe({
      next: () => {
        this.busy.set(false);
        void this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
      },
      error: (e: unknown) => {
        this.busy.set(false);
        const status = e instanceof HttpErrorResponse ? e.status : 0;
        this.error.set(
          status === 401
            ? 'Email or password is wrong.'
            : status === 429
              ? 'Too many attempts. Wait a minute, then try again.'
              : 'Signing in failed. Check your connection and try again.',
        );
      },
    });
  }
}
