import { Injectable } from '@nestjs/common';
import { BudgetReservations } from '@mph/api-cost-tracking';
import { DomainError, Principal } from '@mph/api-core';
import { PricingReadModel } from '@mph/api-pricing';
import { ConnectionsService, Route } from '../connections/connections.service';
import type { Call, Pricing } from './call';
import { GatewayError } from './gateway-error';

/**
 * What a gateway call costs before it is made: the one match and price lookup of a call (through the pricing read
 * model), and the hard-budget reservation of its maximum cost. Also answers chat's "which offering, at what price now"
 * for a model a user can call.
 */
@Injectable()
export class CallPricing {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly pricingModel: PricingReadModel,
    private readonly budgets: BudgetReservations,
  ) {}

  /** The offering that would price a call to `model` for this caller (its first route), if one is known. */
  async offeringFor(by: Principal, model: string): Promise<string | null> {
    const [route] = await this.connections.routes(by, model);
    if (!route) return null;
    const { match } = await this.pricing(route, null);
    return match instanceof DomainError ? null : match.offering_id;
  }

  /** Where a model is served first for a user, and the price it would be charged at now (null: unknown). */
  async priceNow(
    by: Principal,
    model: string,
  ): Promise<(Pricing & { route: Route; offeringId: string | null }) | null> {
    const [route] = await this.connections.routes(by, model);
    if (!route) return null;
    const pricing = await this.pricing(route, new Date());
    return { ...pricing, route, offeringId: pricing.match instanceof DomainError ? null : pricing.match.offering_id };
  }

  /**
   * The one match and price lookup of a call: the offering the route is bound to, else the one its provider and
   * upstream model resolve to; and the price in force at `at` (not looked up when `at` is null).
   */
  async pricing(route: Route, at: Date | null): Promise<Pricing> {
    const provider = route.connection.row.provider_slug ?? 'custom';
    let match = route.offeringId ? await this.pricingModel.offeringOrError(route.offeringId) : null;
    if (!match || match instanceof DomainError) {
      match = await this.pricingModel.resolveOrError(provider, route.upstreamModel);
    }
    if (match instanceof DomainError) return { provider, model: route.upstreamModel, match, price: null };
    const price = at ? await this.pricingModel.priceAt(match.offering_id, at) : null;
    return { provider: match.provider, model: match.provider_model_id, match, price };
  }

  /**
   * Hard budgets: reserve the call's maximum cost (prompt + max_tokens at today's price) before anything is sent.
   * Resolves true when a hard budget applies (the output cap then matters), false when none does.
   */
  async reserve(call: Call, maxOutput: number): Promise<boolean> {
    if (!(await this.budgets.hasHardBudget(call.ctx.by, call.ctx.project))) return false;
    const price = call.pricing.price;
    if (!price) {
      throw new GatewayError(
        402,
        `A hard budget applies, and the price of \`${call.request.model}\` is unknown, so its cost cannot be checked.`,
        'insufficient_quota',
        'price_unknown',
      );
    }
    let maxCost: string;
    try {
      maxCost = this.pricingModel.cost(
        { input_tokens: call.promptTokens(), output_tokens: maxOutput },
        price,
        call.startedAt,
      ).total;
    } catch {
      throw new GatewayError(
        402,
        'The price of this model lacks input or output rates.',
        'insufficient_quota',
        'price_unknown',
      );
    }
    try {
      call.reservations = await this.budgets.reserve(call.ctx.by, { project: call.ctx.project, maxCost });
    } catch (e) {
      if (e instanceof DomainError && e.status === 402) {
        throw new GatewayError(
          402,
          e.message,
          'insufficient_quota',
          e.code === 'BUDGET_EXCEEDED' ? 'budget_exceeded' : e.code.toLowerCase(),
        );
      }
      throw e;
    }
    return true;
  }
}
