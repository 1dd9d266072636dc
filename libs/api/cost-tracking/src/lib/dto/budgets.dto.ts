import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

/** A positive decimal with up to 6 places: '0' would be a budget nobody can spend under (the table refuses it). */
const AMOUNT = /^(?!0+(\.0+)?$)\d{1,9}(\.\d{1,6})?$/;
const AMOUNT_MESSAGE = 'amount must be a decimal string above 0 such as "250"';

export class CreateBudgetDto {
  @ApiProperty({ example: 'Support bot, monthly' }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({ enum: ['user', 'project', 'api_key'] }) @IsIn(['user', 'project', 'api_key']) scope!:
    'user' | 'project' | 'api_key';
  @ApiPropertyOptional({
    description: 'User id (default: you), the project (its id, or its name when unique), or API key id.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  scope_id?: string;
  @ApiProperty({ example: '250', description: 'USD per period, decimal string.' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  amount!: string;
  @ApiProperty({ enum: ['daily', 'monthly'], description: 'Calendar periods in UTC.' })
  @IsIn(['daily', 'monthly'])
  period!: 'daily' | 'monthly';
  @ApiProperty({
    enum: ['hard', 'soft'],
    description: 'hard blocks calls (402) before they overspend; soft only alerts.',
  })
  @IsIn(['hard', 'soft'])
  mode!: 'hard' | 'soft';

  @ApiPropertyOptional({
    example: 'https://hooks.example.com/budgets',
    description: 'Receives each alert as a signed POST (X-MPH-Signature: sha256 HMAC over "<timestamp>.<body>").',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  webhook_url?: string;
}

/** What can change on a budget; its scope and period are what it is (a different scope or period is a new budget). */
export class UpdateBudgetDto {
  @ApiPropertyOptional({ example: 'Support bot, monthly' }) @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional({
    example: '300',
    description: 'USD per period, decimal string; applies to the current period.',
  })
  @IsOptional()
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  amount?: string;
  @ApiPropertyOptional({ enum: ['hard', 'soft'] }) @IsOptional() @IsIn(['hard', 'soft']) mode?: 'hard' | 'soft';
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'A new alert webhook (answered with a new signing secret, shown once), or null to stop posting alerts.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  webhook_url?: string | null;
}

export class BudgetDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['user', 'project', 'api_key'] }) scope!: string;
  @ApiProperty({ description: 'The user id, the project id or the API key id.' }) scope_id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What it is on, by name: the project’s name, the user’s email or the API key’s name.',
  })
  scope_name!: string | null;
  @ApiProperty({ example: '250' }) amount!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ enum: ['daily', 'monthly'] }) period!: string;
  @ApiProperty({ enum: ['hard', 'soft'] }) mode!: string;
  @ApiProperty({ format: 'date' }) period_start!: string;
  @ApiProperty({ format: 'date', description: 'First day after the period.' }) period_end!: string;
  @ApiProperty({ example: '12.5' }) spent!: string;
  @ApiProperty({ example: '0.4', description: 'Held for calls in flight (hard budgets).' }) reserved!: string;
  @ApiProperty() remaining!: string;
  @ApiProperty({ example: '5', description: 'Spent as a percentage of the amount.' }) percent!: string;
  @ApiProperty({ description: 'Alerts are posted to a webhook (its address is not shown).' }) has_webhook!: boolean;
  @ApiProperty({ description: 'The caller may change or delete it (set it, or operators/admins).' }) editable!: boolean;
  @ApiPropertyOptional({ description: 'Only when created with a webhook: its signing secret, shown once.' })
  webhook_secret?: string;
}
