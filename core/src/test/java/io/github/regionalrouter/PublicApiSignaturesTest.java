package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** No public signature of the core jar's API names an internal type. */
class PublicApiSignaturesTest {
  @Test
  void noPublicMemberOfAnExportedPackageNamesAnInternalType() throws Exception {
    ApiSurface core = ApiSurface.of(RegionalRouter.class);
    assertThat(core.apiPackages()).contains("io.github.regionalrouter", "io.github.regionalrouter.cluster",
        "io.github.regionalrouter.forward").noneMatch(p -> p.contains(".internal"));
    assertThat(core.hiddenTypesInPublicSignatures()).as("%s", core).isEmpty();
  }
}
