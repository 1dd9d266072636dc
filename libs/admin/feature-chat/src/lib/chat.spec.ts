import { costLine, tokensLine } from './chat-page';
import { parseModels } from './connections-page';
import { renderMarkdown } from './markdown';

describe('chat console helpers', () => {
  it('renders markdown safely: model output can never inject markup', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)> **bold** and `code`')).toBe(
      '<p>&lt;img src=x onerror=alert(1)&gt; <strong>bold</strong> and <code>code</code></p>',
    );
    expect(renderMarkdown('```js\nconst a = "<b>";\n```')).toBe(
      '<pre><code class="language-js">const a = &quot;&lt;b&gt;&quot;;</code></pre>',
    );
    expect(renderMarkdown('# Title\n- one\n- two\n\n1. first\n2. second\n\ntext\nmore')).toBe(
      '<h3>Title</h3><ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol><p>text<br>more</p>',
    );
    expect(renderMarkdown('[docs](https://example.com) [bad](javascript:alert(1))')).toBe(
      '<p><a href="https://example.com" target="_blank" rel="noopener noreferrer">docs</a> [bad](javascript:alert(1))</p>',
    );
  });

  it('shows tokens and costs for people', () => {
    expect(tokensLine({ input_tokens: 1234, output_tokens: 56 })).toBe('1,234 in · 56 out');
    expect(tokensLine(null)).toBe('');
    expect(costLine('0.00000345', 'USD')).toBe('0.00000345 USD');
    expect(costLine('0', 'USD')).toBe('0 USD');
    expect(costLine('1.23456', 'EUR')).toBe('1.2346 EUR');
    expect(costLine(null, null)).toBe('cost unknown');
  });

  it('reads a served-model list', () => {
    expect(parseModels('gpt-4o-mini, o3=o3-2025-04-16\n llama ')).toEqual([
      { model: 'gpt-4o-mini' },
      { model: 'o3', upstream_model: 'o3-2025-04-16' },
      { model: 'llama' },
    ]);
  });
});
