import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';
import { validate } from '@wink/contracts';

/** The 400 every endpoint answers for bad input: the first invalid field by path, and why. */
export function badField(field: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'invalid_field',
    field,
    message: `${field}: ${message}`,
  });
}

/** Validates request input, or throws `badField` for its first problem. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = validate(schema, input);
  if (!result.ok) throw badField(result.error.field, result.error.message);
  return result.value;
}
