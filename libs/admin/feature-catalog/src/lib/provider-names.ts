import { computed, inject, Injectable, signal } from '@angular/core';
import { VendorDto, VendorsService } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';

/**
 * The vendors list, fetched once per console session and shared by the catalog pages: provider names instead of
 * slugs, and the providers for the "Offered by" filter. A failure leaves the slugs shown.
 */
@Injectable({ providedIn: 'root' })
export class ProviderNames {
  private readonly list = signal<VendorDto[]>([]);
  /** Vendors that sell at least one offering. */
  readonly providers = computed(() => this.list().filter((v) => v.offering_count > 0));
  private readonly names = computed(() => new Map(this.list().map((v) => [v.slug, v.name])));

  constructor() {
    inject(VendorsService)
      .listVendors(undefined, silentErrors())
      .subscribe({ next: ({ data }) => this.list.set(data), error: () => undefined });
  }

  /** A provider's display name, or its slug while (or if) the list is not there. */
  name(slug: string): string {
    return this.names().get(slug) ?? slug;
  }
}
