package io.github.regionalrouter.servlet;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.config.ConfigException;
import io.github.regionalrouter.config.RouterConfig;
import jakarta.servlet.ServletException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Builds a router from the JSON config file named by a filter's or servlet's init-param
 * {@code config}. The one place the servlet adapter touches the config package.
 */
final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads {@code path} (a file system path, relative to the container's working directory unless
   * absolute) and builds its router; the caller owns, and closes, the result.
   *
   * @param owner names the filter or servlet in messages that have no file position
   * @throws ServletException whose message is the config error: {@code file:line:col: field: ...}
   */
  static RegionalRouter load(String owner, String path) throws ServletException {
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      throw new ServletException(
          owner + ": init-param config: \"" + path + "\" (expected: a file path)", e);
    }
    try {
      return RouterConfig.load(file).buildRouter();
    } catch (ConfigException e) {
      throw new ServletException(e.getMessage(), e);
    }
  }
}
