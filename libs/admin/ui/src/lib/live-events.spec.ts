import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { liveFreshInterceptor, onLiveChange } from './live-events';

/** A stand-in for the browser's EventSource: the test dispatches the server's events by hand. */
class FakeEventSource extends EventTarget {
  static last: FakeEventSource | null = null;
  constructor(readonly url: string) {
    super();
    FakeEventSource.last = this;
  }
  close(): void {
    FakeEventSource.last = null;
  }
}

@Component({ selector: 'mph-probe', template: '' })
class Probe {
  prices = 0;
  any = 0;
  constructor() {
    onLiveChange('prices', () => this.prices++);
    onLiveChange(['prices', 'sync'], () => this.any++);
  }
}

describe('live events', () => {
  const original = (globalThis as { EventSource?: unknown }).EventSource;
  beforeEach(() => ((globalThis as { EventSource?: unknown }).EventSource = FakeEventSource));
  afterEach(() => ((globalThis as { EventSource?: unknown }).EventSource = original));

  it('opens one stream and calls the page back on each change of its kinds, not on start', async () => {
    const fixture = TestBed.createComponent(Probe);
    await fixture.whenStable();
    const source = FakeEventSource.last as FakeEventSource;
    expect(source.url).toBe('/api/v1/events');
    expect([fixture.componentInstance.prices, fixture.componentInstance.any]).toEqual([0, 0]);
    source.dispatchEvent(new Event('prices'));
    await fixture.whenStable();
    expect([fixture.componentInstance.prices, fixture.componentInstance.any]).toEqual([1, 1]);
    source.dispatchEvent(new Event('sync'));
    await fixture.whenStable();
    expect([fixture.componentInstance.prices, fixture.componentInstance.any]).toEqual([1, 2]);
  });

  it('re-reads past the browser cache: the GETs of a live re-read ask for a fresh answer, others do not', async () => {
    @Component({ selector: 'mph-reader', template: '' })
    class Reader {
      private readonly http = inject(HttpClient);
      constructor() {
        this.load();
        onLiveChange('prices', () => this.load());
      }
      load(): void {
        this.http.get('/api/v1/prices/recent-changes').subscribe();
      }
    }
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([liveFreshInterceptor])), provideHttpClientTesting()],
    });
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(Reader);
    await fixture.whenStable();
    const first = http.expectOne('/api/v1/prices/recent-changes');
    expect(first.request.headers.has('Cache-Control')).toBe(false);
    first.flush({ data: [] });
    (FakeEventSource.last as FakeEventSource).dispatchEvent(new Event('prices'));
    await fixture.whenStable();
    const again = http.expectOne('/api/v1/prices/recent-changes');
    expect(again.request.headers.get('Cache-Control')).toBe('no-cache');
    again.flush({ data: [] });
    fixture.componentInstance.load();
    expect(http.expectOne('/api/v1/prices/recent-changes').request.headers.has('Cache-Control')).toBe(false);
    http.verify();
  });
});
