package io.github.regionalrouter.servlet;

import io.github.regionalrouter.ApiSurface;
import org.junit.jupiter.api.Test;

/** This jar exports its one package, and no public signature there names an internal type (its own or core's). */
class PublicApiSignaturesTest {
  @Test
  void noPublicMemberOfAnExportedPackageNamesAnInternalType() throws Exception {
    ApiSurface.assertApi(RegionRoutingFilter.class, "io.github.regionalrouter.servlet");
  }
}
