import { Injectable } from '@nestjs/common';
import { OfferingDirectoryService } from '@mph/api-catalog';
import { Principal } from '@mph/api-core';
import { ConnectionsService } from '../connections/connections.service';
import { CallPricing } from '../gateway/call-pricing.service';
import { ChatModelDto } from './chat.dto';

/** The models a member can chat with, for the console's model picker: who serves each and at what price. */
@Injectable()
export class ChatModelsService {
  constructor(
    private readonly offerings: OfferingDirectoryService,
    private readonly connections: ConnectionsService,
    private readonly gateway: CallPricing,
  ) {}

  /**
   * Each model the user's connections serve, with the connection that serves it first, the offering it is priced as
   * and that offering's price now: base input and output per 1M tokens, null when unknown (which is not free).
   */
  async list(by: Principal): Promise<ChatModelDto[]> {
    const out: ChatModelDto[] = [];
    for (const { model } of await this.connections.models(by)) {
      const now = await this.gateway.priceNow(by, model);
      if (!now) continue;
      const base = (unit: string) =>
        now.price?.components.find((c) => c.unit === unit && !c.prompt_tokens_above && !c.window_start)?.amount ?? null;
      const input = base('input');
      const output = base('output');
      out.push({
        model,
        via: now.route.connection.row.name,
        provider: now.provider,
        offering_id: now.offeringId,
        price:
          now.price && input !== null && output !== null
            ? { currency: now.price.currency, input_per_mtok: input, output_per_mtok: output }
            : null,
        context_window: null,
      });
    }
    const windows = await this.offerings.byIds(out.flatMap((m) => (m.offering_id ? [m.offering_id] : [])));
    for (const m of out) {
      const o = m.offering_id ? windows.get(m.offering_id) : undefined;
      if (o) m.context_window = o.context_window ?? o.model_context_window;
    }
    return out;
  }
}
