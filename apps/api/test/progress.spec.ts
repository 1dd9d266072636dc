import { formatBytes, ProgressBar, renderBar } from '../src/cli/progress';
import { syncFraction } from '../src/cli/commands';

/** A stream double that records what was written, with a controllable terminal flag and clock. */
function stream(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { writes, isTTY, columns, write: (chunk: string) => writes.push(chunk) > 0 };
}

describe('progress bar', () => {
  it('renders the share done, clamped, and an unknown share without a percentage', () => {
    expect(renderBar(0)).toBe(`[${'░'.repeat(24)}]   0%`);
    expect(renderBar(0.5)).toBe(`[${'█'.repeat(12)}${'░'.repeat(12)}]  50%`);
    expect(renderBar(1.7)).toBe(`[${'█'.repeat(24)}] 100%`);
    expect(renderBar(null)).toBe(`[${'░'.repeat(24)}]   …`);
    expect(renderBar(Number.NaN)).toBe(renderBar(null));
  });

  it('redraws one terminal line in place, throttled, and always draws step changes and the end', () => {
    const s = stream(true);
    let now = 1000;
    const bar = new ProgressBar(s, { enabled: true, minIntervalMs: 100, now: () => now });
    bar.update(0.1, 'fetching', '1.0 MB');
    now += 10;
    bar.update(0.2, 'fetching', '2.0 MB'); // held back: 10 ms after the last draw
    now += 10;
    bar.update(0.25, 'parsing'); // a new step draws at once
    now += 200;
    bar.update(0.3, 'parsing', 'entries 4');
    now += 1;
    bar.update(0.31, 'parsing', 'entries 5'); // held back, drawn by done()
    bar.done();
    expect(s.writes).toEqual([
      `\r\x1b[2K${renderBar(0.1)}  fetching · 1.0 MB`,
      `\r\x1b[2K${renderBar(0.25)}  parsing`,
      `\r\x1b[2K${renderBar(0.3)}  parsing · entries 4`,
      `\r\x1b[2K${renderBar(0.31)}  parsing · entries 5`,
      '\n',
    ]);
  });

  it('draws the outcome given to done(), and cuts lines to the terminal width', () => {
    const s = stream(true, 50);
    const bar = new ProgressBar(s, { enabled: true });
    bar.update(0.5, 'applying', 'a very long detail that does not fit into fifty columns at all, not even close');
    bar.done({ fraction: 1, step: 'succeeded' });
    expect(s.writes[0].length).toBe('\r\x1b[2K'.length + 49);
    expect(s.writes[0].endsWith('…')).toBe(true);
    expect(s.writes.slice(1)).toEqual([`\r\x1b[2K${renderBar(1)}  succeeded`, '\n']);
  });

  it('without a terminal prints plain lines: one per step, and again while a step lasts', () => {
    const s = stream(false);
    let now = 0;
    const bar = new ProgressBar(s, { enabled: true, logIntervalMs: 5000, now: () => now });
    bar.update(0, 'fetching', '1.0 MB');
    now += 1000;
    bar.update(0.1, 'fetching', '2.0 MB');
    now += 5000;
    bar.update(0.2, 'fetching', '9.0 MB');
    bar.update(0.25, 'parsing');
    bar.done({ fraction: 1, step: 'succeeded' });
    expect(s.writes.join('')).toBe('fetching… 1.0 MB\nfetching… 9.0 MB\nparsing…\n');
    expect(s.writes.join('')).not.toContain('\x1b');
  });

  it('prints nothing when disabled (--json)', () => {
    const s = stream(true);
    const bar = new ProgressBar(s, { enabled: false });
    bar.update(0.5, 'parsing');
    bar.done({ fraction: 1, step: 'succeeded' });
    expect(s.writes).toEqual([]);
  });

  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
  });

  it("measures a price sync's share by its steps and the download's size", () => {
    expect(syncFraction('fetching', {})).toBe(0);
    expect(syncFraction('fetching', { bytes: 512, bytes_total: 1024 })).toBe(0.125);
    expect(syncFraction('reading', {})).toBe(0);
    expect(syncFraction('parsing', { bytes: 1024 })).toBe(0.25);
    expect(syncFraction('planning', {})).toBe(0.5);
    expect(syncFraction('applying', {})).toBe(0.75);
    expect(syncFraction('queued', {})).toBeNull();
  });
});
