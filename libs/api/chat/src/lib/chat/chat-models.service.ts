import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Principal } from '@mph/api-core';
import { DataSource } from 'typeorm';
import { ConnectionsService } from '../connections/connections.service';
import { GatewayService } from '../gateway/gateway.service';
import { ChatModelDto } from './chat.dto';

/** The models a member can chat with, for the console's model picker: who serves each and at what price. */
@Injectable()
export class ChatModelsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsService,
    private readonly gateway: GatewayService,
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
    const ids = out.map((m) => m.offering_id).filter((id): id is string => !!id);
    if (ids.length) {
      const rows: { id: string; w: number | null }[] = await this.dataSource.query(
        `SELECT o.id, coalesce(o.context_window, m.context_window) AS w
           FROM offerings o JOIN models m ON m.id = o.model_id WHERE o.id = ANY($1)`,
        [ids],
      );
      const windows = new Map(rows.map((r) => [r.id, r.w]));
      for (const m of out) if (m.offering_id) m.context_window = windows.get(m.offering_id) ?? null;
    }
    return out;
  }
}
