import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { onLiveChange } from './live-events';

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
});
