import { ApiProperty } from '@nestjs/swagger';

/** Nest's standard error body, which the contract keeps for every 4xx. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 404 }) statusCode!: number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'A sentence, or for validation errors one string per offending field.',
    example: 'Mission not found',
  })
  message!: string | string[];

  @ApiProperty({ type: String, example: 'Not Found' }) error!: string;
}
