package io.github.regionalrouter.servlet;

import io.github.regionalrouter.RegionalRouter;
import jakarta.servlet.ServletException;

/**
 * Builds a router from the JSON config file named by a filter's or servlet's init-param
 * {@code config}. The one place the servlet adapter touches the config package.
 */
final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads {@code path} and builds its router; the caller owns (and closes) the result.
   *
   * @param owner names the filter or servlet in messages
   * @throws ServletException whose message is the config error ({@code file:line:col: field: ...})
   */
  static RegionalRouter load(String owner, String path) throws ServletException {
    // TODO(config merge): replace with
    //   try { return RouterConfig.load(Path.of(path)).buildRouter(); }
    //   catch (ConfigException e) { throw new ServletException(e.getMessage(), e); }
    //   catch (InvalidPathException e) { throw new ServletException(owner + ": init-param config: \"" + path + "\" (expected: a file path)", e); }
    throw new ServletException(
        owner + ": init-param config: \"" + path + "\" (JSON config is not available in this build;"
            + " construct the filter with a RegionalRouter)");
  }
}
