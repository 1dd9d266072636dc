import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ComingSoon } from './coming-soon';
import { provideIcons } from './icons';
import { provideHttpClient } from '@angular/common/http';

describe('ComingSoon', () => {
  it('shows the area title and summary from the route, and says it is not built yet', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideIcons(),
        provideRouter([
          { path: 'pricing', component: ComingSoon, data: { title: 'Pricing', summary: 'Prices per offering.' } },
        ]),
      ],
    });
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/pricing');
    const text = harness.routeNativeElement?.textContent ?? '';
    expect(text).toContain('Pricing');
    expect(text).toContain('Prices per offering.');
    expect(text).toContain('Coming in a later release');
    expect(TestBed.inject(Router).url).toBe('/pricing');
    expect(harness.routeNativeElement?.querySelector('mat-icon svg')).not.toBeNull();
  });
});
