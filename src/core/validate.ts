/**
 * Small, explicit validators for data that crossed a trust boundary (a decrypted record from an
 * older version, an imported file). Each returns the value or records an issue with its path;
 * parsers collect every issue so an error can say all that is wrong at once.
 */
export interface Issue {
  readonly path: string;
  readonly problem: string;
}

export type Invalid = { readonly type: 'Invalid'; readonly issues: readonly Issue[] };

export class Checker {
  readonly issues: Issue[] = [];

  fail(path: string, problem: string): undefined {
    this.issues.push({ path, problem });
    return undefined;
  }

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(path, 'expected an object');
  }

  string(value: unknown, path: string, limits: { min?: number; max: number; pattern?: RegExp }): string | undefined {
    if (typeof value !== 'string') return this.fail(path, 'expected text');
    if (value.length < (limits.min ?? 0)) return this.fail(path, limits.min === 1 ? 'must not be empty' : `shorter than ${limits.min}`);
    if (value.length > limits.max) return this.fail(path, `longer than ${limits.max}`);
    if (limits.pattern !== undefined && !limits.pattern.test(value)) return this.fail(path, 'not in the expected form');
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return this.fail(path, 'expected a whole number');
    if (value < min || value > max) return this.fail(path, `outside ${min}..${max}`);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    return this.fail(path, `expected one of ${allowed.join(', ')}`);
  }

  array(value: unknown, path: string, max: number): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(path, 'expected a list');
    if (value.length > max) return this.fail(path, `more than ${max} items`);
    return value;
  }
}
