import { ApiProperty } from '@nestjs/swagger';
import { VENDOR_KINDS, VendorEntity } from '../entities';

export class VendorDto {
  @ApiProperty({ example: 'openai' }) slug!: string;
  @ApiProperty({ example: 'OpenAI' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) homepage!: string | null;
  @ApiProperty({ enum: VENDOR_KINDS, isArray: true }) kinds!: string[];
  @ApiProperty({ description: 'Models this vendor created.' }) model_count!: number;
  @ApiProperty({ description: 'Offerings this vendor serves.' }) offering_count!: number;

  static from(v: VendorEntity, counts: { models: number; offerings: number }): VendorDto {
    return {
      slug: v.slug,
      name: v.name,
      homepage: v.homepage,
      kinds: v.kinds,
      model_count: counts.models,
      offering_count: counts.offerings,
    };
  }
}
