/** HTTP helpers: the HTTP/1.1 grammar shared by server, client and header rules; body subscribers with limits. Implementation; may change in any release. */
package io.github.regionalrouter.internal.http;
