/** Django REST framework-style field validation: every problem collected, then one 400 with all. */
import { SandboxError, type BelvoErrorEntry } from "./responses.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class Fields {
  private readonly errors: BelvoErrorEntry[] = [];

  constructor(private readonly body: Record<string, unknown>) {}

  private fail(field: string, code: string, message: string): undefined {
    this.errors.push({ field, code, message });
    return undefined;
  }

  optionalString(field: string): string | null | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== "string") return this.fail(field, "invalid", "Not a valid string.");
    if (value.trim() === "") return this.fail(field, "blank", "This field may not be blank.");
    return value;
  }

  string(field: string): string | undefined {
    if (!(field in this.body)) return this.fail(field, "required", "This field is required.");
    if (this.body[field] === null) return this.fail(field, "null", "This field may not be null.");
    return this.optionalString(field) ?? undefined;
  }

  uuid(field: string, required = true): string | null | undefined {
    const value = required ? this.string(field) : this.optionalString(field);
    if (value && !UUID.test(value)) return this.fail(field, "invalid", "Must be a valid UUID.");
    return value;
  }

  date(field: string, fallback?: string): string | undefined {
    const value = fallback !== undefined && !(field in this.body) ? fallback : this.string(field);
    if (value === undefined) return undefined;
    if (!DATE.test(value) || Number.isNaN(Date.parse(value))) {
      return this.fail(
        field,
        "invalid",
        "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
      );
    }
    return value;
  }

  boolean(field: string, fallback: boolean): boolean | undefined {
    const value = this.body[field];
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") return this.fail(field, "invalid", "Must be a valid boolean.");
    return value;
  }

  choice<T extends string>(field: string, choices: readonly T[], fallback: T): T | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
      const shown = typeof value === "string" ? value : JSON.stringify(value);
      return this.fail(field, "invalid_choice", `"${shown}" is not a valid choice.`);
    }
    return value as T;
  }

  /** Throws the collected problems; afterwards every value read above is defined. */
  done(): void {
    if (this.errors.length > 0) throw new SandboxError(400, this.errors);
  }
}
