/**
 * regional-router for Jakarta Servlet containers: a routing filter and an async proxy servlet.
 * The container provides the servlet API.
 */
module io.github.regionalrouter.servlet {
  requires transitive io.github.regionalrouter;
  requires transitive jakarta.servlet;

  exports io.github.regionalrouter.servlet;
}
