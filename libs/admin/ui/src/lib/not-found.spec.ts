import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { NotFound } from './not-found';

describe('NotFound', () => {
  it('names the unknown address and links home and to the catalog', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([{ path: '**', component: NotFound }])] });
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/no/such/page');
    const el = harness.routeNativeElement as HTMLElement;
    expect(el.querySelector('h1')?.textContent).toBe('Page not found');
    expect(el.textContent).toContain('/no/such/page');
    expect([...el.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['/', '/catalog']);
  });
});
