/**
 * The one error the build reports as a plain message (no stack): a config problem naming its field. In its own
 * module so build steps can throw it without importing scripts/build.ts (which imports them).
 */
export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BuildError";
  }
}
