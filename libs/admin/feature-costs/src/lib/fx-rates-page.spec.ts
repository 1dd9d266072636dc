import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { SessionStore } from '@mph/admin-feature-auth';
import { FxRatesPage, parseRates } from './fx-rates-page';

describe('exchange rates page', () => {
  it('reads rates one per line, with spaces, commas or semicolons, and says which lines are not rates', () => {
    expect(parseRates('EUR 2026-01-15 1.0842\n\n gbp,2026-01-15,1.27 \nJPY;2026-01-16;0.0064')).toEqual({
      rates: [
        { currency: 'EUR', date: '2026-01-15', usd_per_unit: '1.0842' },
        { currency: 'GBP', date: '2026-01-15', usd_per_unit: '1.27' },
        { currency: 'JPY', date: '2026-01-16', usd_per_unit: '0.0064' },
      ],
      problems: [],
    });
    expect(parseRates('EUR 2026-02-30 1.1\nUSD 2026-01-01 1\nEUR 2026-01-01 0\nEUR 1.1').problems).toEqual([
      'Line 1: 2026-02-30 is not a calendar day',
      'Line 2: USD is the reporting currency (its rate is always 1)',
      'Line 3: a rate must be above 0',
      'Line 4: "EUR 1.1" is not "CUR YYYY-MM-DD rate", such as EUR 2026-01-15 1.0842',
    ]);
  });

  it('lists rates, and an operator saves pasted ones (nothing is sent while a line is wrong)', async () => {
    TestBed.configureTestingModule({
      providers: [provideNoopAnimations(), provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    const http = TestBed.inject(HttpTestingController);
    TestBed.inject(SessionStore).user.set({ id: 'u', email: 'o@x', role: 'operator' } as never);
    const fixture = TestBed.createComponent(FxRatesPage);
    const page = fixture.componentInstance;
    await fixture.whenStable();
    http.expectOne('/api/v1/fx-rates').flush({ data: [] });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="fx-empty"]')?.textContent).toContain('No rates yet');

    page.lines = 'EUR 2026-01-15 1.0842\nEUR 2026-01-16 abc';
    page.save();
    http.expectNone('/api/v1/fx-rates');
    expect(page.problems()).toHaveLength(1);

    page.lines = 'EUR 2026-01-15 1.0842\neur 2026-01-16 1.09';
    page.source = 'ECB';
    page.save();
    const put = http.expectOne((r) => r.method === 'PUT');
    expect(put.request.body).toEqual({
      rates: [
        { currency: 'EUR', date: '2026-01-15', usd_per_unit: '1.0842' },
        { currency: 'EUR', date: '2026-01-16', usd_per_unit: '1.09' },
      ],
      source: 'ECB',
    });
    put.flush({ stored: 2 });
    const row = {
      currency: 'EUR',
      date: '2026-01-16',
      usd_per_unit: '1.09',
      source: 'ECB',
      updated_at: '2026-12-07T10:00:00Z',
    };
    http.expectOne('/api/v1/fx-rates').flush({ data: [row] });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="fx-saved"]')?.textContent).toContain('2 rates saved.');
    const cells = [...el.querySelectorAll('[data-testid="fx-rates"] tbody td')].map((td) => td.textContent?.trim());
    expect(cells).toEqual(['EUR', '2026-01-16', '1.09', 'ECB', '2026-12-07 10:00']);
    http.verify();
  });
});
