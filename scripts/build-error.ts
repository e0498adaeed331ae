/**
 * The one error the build and deploy scripts report as a plain message (no stack): a problem with the config
 * or with a file it names. The same class as the config pipeline's ConfigError, so either can be caught as one.
 */
export { ConfigError as BuildError } from "../shared/config/load";
