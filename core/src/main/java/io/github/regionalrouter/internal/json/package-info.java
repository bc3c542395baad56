/** JSON helpers on jackson-core's streaming parser. Implementation; may change in any release. */
package io.github.regionalrouter.internal.json;
