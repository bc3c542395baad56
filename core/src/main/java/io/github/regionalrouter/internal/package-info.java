/**
 * Implementation details. Nothing in this package is public API: anything here may change or
 * disappear in any release. Do not import it.
 */
package io.github.regionalrouter.internal;
