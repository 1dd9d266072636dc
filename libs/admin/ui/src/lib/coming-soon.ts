import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { ActivatedRoute } from '@angular/router';
import { map } from 'rxjs';

export interface ComingSoonData {
  title: string;
  /** What the area will hold, in one sentence. */
  summary: string;
}

/** The designed empty state of an area that a later release fills in: says so plainly, shows no fake data. */
@Component({
  selector: 'mph-coming-soon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatIconModule],
  template: `
    <mat-card appearance="outlined" class="coming">
      <mat-card-header>
        <mat-icon mat-card-avatar svgIcon="construction" aria-hidden="true" />
        <mat-card-title>
          <h1 class="title">{{ data().title }}</h1>
        </mat-card-title>
        <mat-card-subtitle>Coming in a later release</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        <p>{{ data().summary }}</p>
        <p>Nothing here yet: this area has no data to show until it is built.</p>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .coming {
      max-width: 640px;
    }
    .title {
      font: inherit;
      margin: 0;
    }
  `,
})
export class ComingSoon {
  private readonly route = inject(ActivatedRoute);
  readonly data = toSignal(this.route.data.pipe(map((d) => d as ComingSoonData)), {
    initialValue: { title: '', summary: '' } as ComingSoonData,
  });
}
