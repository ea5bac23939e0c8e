import { ApiProperty } from '@nestjs/swagger';
import {
  MAX_PLAN_WHATSAPP_NUMBERS,
  type UpdateSubscriptionPlanRequest,
} from '@switchboard/contracts';
import { IsInt, Max, Min } from 'class-validator';

export class UpdateSubscriptionPlanDto implements UpdateSubscriptionPlanRequest {
  @ApiProperty({ minimum: 0, maximum: MAX_PLAN_WHATSAPP_NUMBERS, example: 5 })
  @IsInt({ message: 'max_whatsapp_numbers must be a whole number' })
  @Min(0, { message: 'max_whatsapp_numbers must be 0 or more' })
  @Max(MAX_PLAN_WHATSAPP_NUMBERS, {
    message: `max_whatsapp_numbers must be at most ${MAX_PLAN_WHATSAPP_NUMBERS}`,
  })
  max_whatsapp_numbers!: number;
}
