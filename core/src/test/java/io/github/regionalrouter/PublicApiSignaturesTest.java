package io.github.regionalrouter;

import org.junit.jupiter.api.Test;

/** The core jar exports its public packages, and no public signature there names an internal type. */
class PublicApiSignaturesTest {
  @Test
  void noPublicMemberOfAnExportedPackageNamesAnInternalType() throws Exception {
    ApiSurface.assertApi(RegionalRouter.class, "io.github.regionalrouter", "io.github.regionalrouter.cluster",
        "io.github.regionalrouter.config", "io.github.regionalrouter.forward", "io.github.regionalrouter.resolve",
        "io.github.regionalrouter.route");
  }
}
