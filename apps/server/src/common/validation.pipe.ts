import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ErrorCode, type FieldProblem } from '@switchboard/contracts';
import { AppException } from './app.exception';

/**
 * Rejects unknown fields and wrong types, answering 400 with every bad field named.
 * A body that is not a JSON object is reported as the field `(body)`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const summary = fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ');
      return new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.VALIDATION_FAILED,
        `Invalid request: ${summary}`,
        {
          fields,
        },
      );
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = error.property ? `${prefix}${error.property}` : '(body)';
    const own: FieldProblem[] = error.constraints
      ? [
          {
            field,
            problems: Object.values(error.constraints).map((p) => friendly(p, error.property)),
          },
        ]
      : [];
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}

function friendly(problem: string, property: string): string {
  if (/^an unknown value was passed/.test(problem)) return 'the request body must be a JSON object';
  if (problem === `property ${property} should not exist`) return 'is not an accepted field';
  return problem;
}
