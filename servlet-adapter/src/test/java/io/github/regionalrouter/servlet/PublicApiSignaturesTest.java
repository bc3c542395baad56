package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.ApiSurface;
import org.junit.jupiter.api.Test;

/** No public signature of this jar's API names an internal type (of this jar or of core). */
class PublicApiSignaturesTest {
  @Test
  void noPublicMemberOfAnExportedPackageNamesAnInternalType() throws Exception {
    ApiSurface surface = ApiSurface.of(RegionRoutingFilter.class);
    assertThat(surface.apiPackages()).containsExactly("io.github.regionalrouter.servlet");
    assertThat(surface.hiddenTypesInPublicSignatures()).as("%s", surface).isEmpty();
  }
}
