/** HTTP client helpers: body subscribers with limits. Implementation; may change in any release. */
package io.github.regionalrouter.internal.http;
