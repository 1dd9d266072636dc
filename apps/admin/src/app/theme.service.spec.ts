import { TestBed } from '@angular/core/testing';
import { ThemeService } from './theme.service';

describe('ThemeService', () => {
  beforeEach(() => localStorage.clear());

  it('starts from a saved choice and applies it to the document', () => {
    localStorage.setItem('mph.theme', 'dark');
    const theme = TestBed.inject(ThemeService);
    TestBed.tick();
    expect(theme.mode()).toBe('dark');
    expect(document.documentElement.style.colorScheme).toBe('dark');
  });

  it('follows the system preference when nothing is saved, and remembers a toggle', () => {
    const theme = TestBed.inject(ThemeService);
    expect(theme.mode()).toBe('light');
    theme.toggle();
    TestBed.tick();
    expect(theme.mode()).toBe('dark');
    expect(localStorage.getItem('mph.theme')).toBe('dark');
    expect(document.documentElement.dataset['theme']).toBe('dark');
    theme.toggle();
    expect(theme.mode()).toBe('light');
  });
});
