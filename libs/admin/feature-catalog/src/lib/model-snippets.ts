import { ClipboardModule } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { MatSnackBar } from '@angular/material/snack-bar';

export type SnippetKind = 'rest' | 'openai' | 'mcp';

/** Copy-paste code for one model against this deployment: its prices over REST, a call through the gateway, MCP. */
export function snippets(origin: string, modelId: string, gatewayModel: string): Record<SnippetKind, string> {
  const usage = '{"input_tokens": 10000, "output_tokens": 1000}';
  return {
    rest: [
      `# Every provider's price now, cheapest first`,
      `curl -s '${origin}/api/v1/models/${modelId}/prices'`,
      ``,
      `# What one call costs (any provider serving it)`,
      `curl -s -X POST '${origin}/api/v1/costs/estimate' \\`,
      `  -H 'content-type: application/json' \\`,
      `  -d '{"model": "${modelId}", "usage": ${usage}}'`,
    ].join('\n'),
    openai: [
      `// npm install openai — calls go through the gateway, which records and prices each one`,
      `import OpenAI from 'openai';`,
      ``,
      `const client = new OpenAI({ baseURL: '${origin}/v1', apiKey: process.env.MPH_API_KEY });`,
      `const reply = await client.chat.completions.create({`,
      `  model: '${gatewayModel}',`,
      `  messages: [{ role: 'user', content: 'Hello' }],`,
      `});`,
      `console.log(reply.choices[0].message.content, reply.usage);`,
    ].join('\n'),
    mcp: [
      `// Agent configuration (Streamable HTTP); then ask for the tool get_prices {"model": "${modelId}"}`,
      JSON.stringify({ mcpServers: { 'model-price-hub': { url: `${origin}/mcp` } } }, null, 2),
    ].join('\n'),
  };
}

/** The snippets with a switch between them and a copy button. */
@Component({
  selector: 'mph-model-snippets',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ClipboardModule, MatButtonModule, MatButtonToggleModule, MatIconModule],
  template: `
    <div class="bar">
      <mat-button-toggle-group
        [value]="kind()"
        (change)="kind.set($event.value)"
        aria-label="Snippet language"
        data-testid="snippet-kind"
      >
        <mat-button-toggle value="rest">REST</mat-button-toggle>
        <mat-button-toggle value="openai">OpenAI SDK</mat-button-toggle>
        <mat-button-toggle value="mcp">MCP</mat-button-toggle>
      </mat-button-toggle-group>
      <button
        mat-stroked-button
        type="button"
        [cdkCopyToClipboard]="code()"
        (cdkCopyToClipboardCopied)="copied($event)"
      >
        <mat-icon svgIcon="content_copy" />Copy
      </button>
    </div>
    <pre data-testid="snippet" tabindex="0" aria-label="Code"><code>{{ code() }}</code></pre>
    @if (kind() === 'openai') {
      <p class="sub">
        Use an API key with the gateway scope (Admin › API keys) and a model one of your connections serves (Chat ›
        Connections).
      </p>
    }
  `,
  styles: `
    .bar {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      align-items: center;
      margin-bottom: 8px;
    }
    pre {
      margin: 0;
      padding: 12px;
      overflow-x: auto;
      border-radius: 8px;
      background: var(--mat-sys-surface-container);
      font-size: 0.85em;
    }
  `,
})
export class ModelSnippets {
  private readonly snack = inject(MatSnackBar);
  readonly modelId = input.required<string>();
  /** The id the gateway knows the model by (a connection's model name), when known; else the catalog id. */
  readonly gatewayModel = input<string | null>(null);
  readonly kind = signal<SnippetKind>('rest');
  readonly code = computed(
    () => snippets(window.location.origin, this.modelId(), this.gatewayModel() ?? this.modelId())[this.kind()],
  );

  copied(ok: boolean): void {
    this.snack.open(ok ? 'Copied.' : 'Could not copy; select the text instead.', undefined, { duration: 2000 });
  }
}
